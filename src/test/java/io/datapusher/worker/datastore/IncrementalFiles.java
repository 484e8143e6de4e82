package io.datapusher.worker.datastore;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The small CSV files of the incremental tests: a base file, its append, and its keyed change. */
final class IncrementalFiles {

    private IncrementalFiles() {
    }

    /** Rows 1..rows of {@code id,name,amount}; with {@code changed}, every tenth row's name differs and row 3 is gone. */
    static Path csv(Path dir, String name, int rows, boolean changed) throws Exception {
        StringBuilder text = new StringBuilder("id,name,amount\n");
        for (int i = 1; i <= rows; i++) {
            if (changed && i == 3) {
                continue;
            }
            text.append(i).append(',').append(changed && i % 10 == 0 ? "renamed " : "name ").append(i).append(',')
                    .append(i * 3).append(".25\n");
        }
        Path file = dir.resolve(name + ".csv");
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }
}
