package io.datapusher.worker.realckan;

/** The worker as the DataPusher of a real CKAN 2.10.10: the whole drop-in suite. */
class DropInRealCkan210IT extends DropInRealCkanSuite {

    DropInRealCkan210IT() {
        super(RealCkanVersion.CKAN_2_10);
    }
}
