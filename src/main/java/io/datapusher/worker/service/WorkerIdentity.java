package io.datapusher.worker.service;

import jakarta.enterprise.context.ApplicationScoped;

import java.net.InetAddress;
import java.util.UUID;

/**
 * Names this replica in the jobs table: the host (the pod name on Kubernetes) plus a per-boot
 * suffix, so a restarted pod never mistakes its predecessor's jobs for its own.
 */
@ApplicationScoped
public class WorkerIdentity {

    private final String id;

    public WorkerIdentity() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            host = "worker";
        }
        this.id = host + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    public String id() {
        return id;
    }
}
