package io.datapusher.worker.datastore;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A keyed load matches rows and finds changes by sameness, not by equality: what a full reload
 * would store differently is a change, however equal the values. A numeric {@code 1.0} that
 * becomes {@code 1.00} is an update (a full reload stores the file's form), and text keys that
 * differ only in case are different keys. A file whose keys cannot match rows one to one (a key
 * repeated, or empty) is loaded in full, and the job says why.
 */
class KeyedMatchingTest extends IncrementalTestBase {

    /** A change in files of a few rows is a large part of them. */
    @Override
    double maxFraction() {
        return 0.5;
    }

    @Test
    void aNumberWrittenWithAnotherScaleIsAnUpdateAndKeysDifferingInCaseAreDifferentKeys() throws Exception {
        StringBuilder before = new StringBuilder("code,amount,day\n");
        StringBuilder after = new StringBuilder("code,amount,day\n");
        for (int i = 1; i <= 40; i++) {
            before.append("k").append(i).append(',').append(i).append(".5,2024-01-").append(10 + i % 18).append('\n');
            after.append("k").append(i).append(',').append(i).append(i == 7 ? ".50" : ".5").append(",2024-01-")
                    .append(10 + i % 18).append('\n');
        }
        before.append("b,1.0,2024-02-01\n");
        after.append("b,1.0,2024-02-01\nB,1.0,2024-02-01\n");
        loader.load(request("job-1", write("v1", before)));
        db.writerExecute("CREATE UNIQUE INDEX " + Sql.quoteIdent(IndexNames.ckanName(rid, "\"code\"")) + " ON "
                + Sql.publicTable(rid) + " (\"code\")");
        String idOfK1 = db.queryOne("SELECT \"_id\" FROM " + Sql.publicTable(rid) + " WHERE \"code\" = 'k1'");

        IncrementalLoad.Outcome outcome = incremental.tryLoad(request("job-2", write("v2", after)), false);

        assertEquals(LoadPath.KEYED, outcome.path(), outcome.reason());
        assertEquals(List.of(1L, 1L, 0L), List.of(outcome.inserted(), outcome.updated(), outcome.deleted()),
                "B is a new key beside b, and 7.50 is an update of 7.5");
        assertEquals("7.50", db.queryOne("SELECT \"amount\"::text FROM " + Sql.publicTable(rid) + " WHERE \"code\" = 'k7'"));
        assertEquals(idOfK1, db.queryOne("SELECT \"_id\" FROM " + Sql.publicTable(rid) + " WHERE \"code\" = 'k1'"),
                "an unchanged row keeps its _id");
        assertEquals("42", db.queryOne("SELECT count(*) FROM " + Sql.publicTable(rid)));
    }

    @Test
    void aRepeatedOrEmptyKeyInTheFileMeansAFullLoadWithTheReason() throws Exception {
        loader.load(request("job-1", write("v1", "code,amount\na,1\nb,2\nc,3\n")));
        db.writerExecute("CREATE UNIQUE INDEX " + Sql.quoteIdent(IndexNames.ckanName(rid, "\"code\"")) + " ON "
                + Sql.publicTable(rid) + " (\"code\")");

        IncrementalLoad.Outcome repeated = incremental.tryLoad(request("job-2", write("v2", "code,amount\na,1\nb,2\nb,5\nc,3\n")),
                false);
        IncrementalLoad.Outcome empty = incremental.tryLoad(request("job-3", write("v3", "code,amount\na,1\n,2\nc,3\n")), false);

        assertEquals(LoadPath.FULL, repeated.path());
        assertEquals("the file's primary_key code has a value repeated 2 times", repeated.reason());
        assertEquals(LoadPath.FULL, empty.path());
        assertEquals("the file's primary_key code has an empty value on row 2", empty.reason());
        assertEquals(List.of("a|1", "b|2", "c|3"), db.query("SELECT \"code\", \"amount\" FROM " + Sql.publicTable(rid)
                + " ORDER BY \"_id\""), "nothing was written");
    }

    private Path write(String name, CharSequence text) throws Exception {
        Path file = dir.resolve(name + ".csv");
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }
}
