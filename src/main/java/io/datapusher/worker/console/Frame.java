package io.datapusher.worker.console;

/**
 * What every console page has around its content.
 *
 * @param csrf    the session's CSRF token, put in every form; empty on pages shown signed out
 * @param refresh seconds until the page reloads itself ({@code <meta http-equiv="refresh">}), 0 for never
 * @param notice  a message at the top of the page, e.g. why a button did nothing; empty for none
 */
public record Frame(String title, String csrf, int refresh, String notice) {

    static Frame signedOut(String title) {
        return new Frame(title, "", 0, "");
    }

    public boolean signedIn() {
        return !csrf.isEmpty();
    }

    Frame refreshingEvery(int seconds) {
        return new Frame(title, csrf, seconds, notice);
    }

    Frame withNotice(String text) {
        return new Frame(title, csrf, refresh, text);
    }
}
