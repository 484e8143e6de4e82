package io.datapusher.worker.download;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Passes bytes through until more than {@code cap} have gone by, then fails. Placed both under and
 * over the gzip decoder, it bounds what is received and what that decompresses to, whatever the
 * server claims.
 */
final class CappedInputStream extends FilterInputStream {

    /** The cap was hit; an IOException so that it passes through decoders unchanged. */
    static final class CapExceeded extends IOException {
        CapExceeded(String message) {
            super(message);
        }
    }

    private final long cap;
    private final String what;
    private long count;

    CappedInputStream(InputStream in, long cap, String what) {
        super(in);
        this.cap = cap;
        this.what = what;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            add(1);
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = super.read(buffer, offset, length);
        if (n > 0) {
            add(n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long skipped = super.skip(n);
        add(skipped);
        return skipped;
    }

    long count() {
        return count;
    }

    private void add(long n) throws CapExceeded {
        count += n;
        if (count > cap) {
            throw new CapExceeded(what + " more than INGEST_DOWNLOAD_MAX_BYTES (" + cap + " bytes)");
        }
    }
}
