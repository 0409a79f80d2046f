package io.amphi.audit;

import java.io.PrintStream;

/**
 * A progress bar on standard error: redrawn in place on a terminal, a line every tenth otherwise
 * (CI logs), silent when the total is unknown or small.
 */
final class Progress {

    private static final int WIDTH = 40;

    private final PrintStream out;
    private final String label;
    private final long total;
    private final boolean terminal;
    private final long startNanos = System.nanoTime();
    private long done;
    private int lastShown = -1;

    Progress(PrintStream out, String label, long total, boolean terminal) {
        this.out = out;
        this.label = label;
        this.total = total;
        this.terminal = terminal;
    }

    static Progress none() {
        return new Progress(System.err, "", -1, false);
    }

    void advance(long events) {
        done += events;
        if (total < 1_000) {
            return;
        }
        int percent = (int) Math.min(100, done * 100 / total);
        if (terminal ? percent != lastShown : percent / 10 != lastShown / 10) {
            lastShown = percent;
            draw(percent);
        }
    }

    void finish() {
        if (terminal && total >= 1_000) {
            out.println();
        }
    }

    private void draw(int percent) {
        int filled = percent * WIDTH / 100;
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        String bar = "%s [%s%s] %3d%%  %,d / %,d events  %.1f s"
                .formatted(label, "#".repeat(filled), " ".repeat(WIDTH - filled), percent, done, total, seconds);
        out.print(terminal ? "\r" + bar : bar + System.lineSeparator());
        out.flush();
    }
}
