package io.datapusher.worker.faults;

import io.datapusher.worker.testsupport.WorkerProcess;
import org.junit.jupiter.api.AfterAll;

/**
 * What every fault test class shares: a {@link FaultWorld} with one packaged worker running in it,
 * curated resources to break things on, and the matrix printed once the class is done. The classes
 * run one after another, so the world is held statically for the class that is running.
 */
abstract class FaultSuite {

    static FaultWorld world;
    static WorkerProcess worker;
    static Curated curated;

    /** Starts the worker in {@code prepared} (configure its environment before calling this). */
    static void open(FaultWorld prepared) throws Exception {
        world = prepared;
        worker = world.startWorker();
        curated = new Curated(world);
    }

    @AfterAll
    static void closeWorld() {
        FaultMatrix.print();
        if (world != null) {
            world.close();
            world = null;
        }
    }
}
