package io.datapusher.worker.datastore;

/**
 * Asked just before the swap whether CKAN still has the resource. The load's lock keeps other
 * loads out, not CKAN: a resource deleted while its file was loading must not come back.
 */
@FunctionalInterface
public interface ResourceCheck {

    /** No check: the swap goes ahead (loads that are not driven by a CKAN job, tests). */
    ResourceCheck NONE = () -> true;

    /**
     * Whether the resource still exists; false only when CKAN says it is gone. When CKAN cannot be
     * asked, the answer is true: the swap's own check of the live table still catches a reload.
     */
    boolean stillExists();
}
