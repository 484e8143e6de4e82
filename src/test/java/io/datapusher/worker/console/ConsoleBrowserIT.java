package io.datapusher.worker.console;

import io.datapusher.worker.faults.CsvFiles;
import io.datapusher.worker.faults.FaultWorld;
import io.datapusher.worker.testsupport.WorkerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The console in a real browser: Selenium drives Debian's headless Chromium against the packaged
 * worker (issue 19). An operator signs in, restores a version, previews a file, retries a parked
 * follow-up, sees a hostile header as text, and watches a 300,000-row load's progress bar move.
 * The jobs page, with that bar, is saved as {@code docs/console-jobs.png} for the README.
 *
 * <p>Skips, saying why, where {@code /usr/bin/chromium} or {@code /usr/bin/chromedriver} is missing
 * ({@code .ci/run} installs Debian's {@code chromium} and {@code chromium-driver}); the paths can be
 * changed with {@code -Dbrowser.chromium=} and {@code -Dbrowser.chromedriver=}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserIT {

    static final Path CHROMIUM = Path.of(System.getProperty("browser.chromium", "/usr/bin/chromium"));
    static final Path CHROMEDRIVER = Path.of(System.getProperty("browser.chromedriver", "/usr/bin/chromedriver"));
    static final Path SCREENSHOT = Path.of("docs/console-jobs.png");
    static final String TOKEN = "console-browser-token-" + Long.toHexString(System.nanoTime());
    static final String HOSTILE = "<script>alert(1)</script>";
    static final int LARGE_ROWS = 300_000;
    static final Duration LOAD = Duration.ofMinutes(4);

    static FaultWorld world;
    static WorkerProcess worker;
    static ChromeDriverService service;
    static ChromeDriver browser;
    static Path profile;

    /** Why the suite cannot run here; null when it can. */
    static String skipReason;

    @BeforeAll
    static void start() throws Exception {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            // failsafe's report drops a skip of the whole class: each test skips instead, saying why
            skipReason = "no browser to drive: " + CHROMIUM + " or " + CHROMEDRIVER + " is missing (Debian: apt-get install"
                    + " chromium chromium-driver; .ci/run installs them)";
            System.err.println("ConsoleBrowserIT skips: " + skipReason);
            return;
        }
        world = FaultWorld.direct("console-browser")
                .workerEnv("INGEST_API_TOKEN", TOKEN)
                // a follow-up is parked after two rounds, not fifty
                .workerEnv("INGEST_METADATA_RETRY_MAX_ATTEMPTS", "2")
                // the suite is about the console, not the breaker: the Retry click must not meet a
                // circuit still open from the failures that parked the follow-up
                .workerEnv("QUARKUS_FAULT_TOLERANCE_GLOBAL_CIRCUIT_BREAKER_ENABLED", "false")
                .workerEnv(WorkerProcess.LOG_DIR, "target/console-browser");
        worker = world.startWorker();

        profile = Files.createTempDirectory("dpw-chromium-profile");
        // No Selenium Manager: it would try to download a driver, and CI has no internet.
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
        service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1500,1000", "--user-data-dir=" + profile.toAbsolutePath());
        browser = new ChromeDriver(service, options);
        browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
    }

    @BeforeEach
    void skipWhereNoBrowserIsInstalled() {
        Assumptions.assumeTrue(skipReason == null, () -> skipReason);
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        if (service != null) {
            service.stop();
        }
        if (world != null) {
            world.close();
        }
        if (profile != null) {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
    }

    @Test
    @Order(1)
    void anOperatorSignsInWithTheApiToken() {
        open("/");
        assertTrue(browser.getCurrentUrl().endsWith("/login"), browser.getCurrentUrl());
        browser.findElement(By.id("token")).sendKeys("not the token");
        browser.findElement(By.id("sign-in")).click();
        assertEquals("That is not the token.", browser.findElement(By.id("login-error")).getText());

        browser.findElement(By.id("token")).sendKeys(TOKEN);
        browser.findElement(By.id("sign-in")).click();
        assertEquals("Jobs", browser.findElement(By.tagName("h1")).getText());
        assertEquals(Optional.empty(), Optional.ofNullable(browser.manage().getCookieNamed(ConsoleSession.COOKIE))
                .filter(c -> !c.isHttpOnly()), "the session cookie is HttpOnly");
    }

    @Test
    @Order(2)
    void aHostileHeaderRendersAsText() throws Exception {
        String rid = world.newResource(("id," + HOSTILE + "\n1,<img src=x onerror=alert(2)>\n").getBytes(StandardCharsets.UTF_8));
        open("/resources/" + rid);
        click(By.id("preview"));
        awaitStatus("complete");
        List<String> columns = texts(By.cssSelector("#preview-columns td:first-child"));
        assertTrue(columns.contains(HOSTILE), "the header cell shows as typed: " + columns);
        assertTrue(texts(By.cssSelector("#preview-rows td")).contains("<img src=x onerror=alert(2)>"));
        assertEquals(List.of(), browser.findElements(By.tagName("script")), "no script element on the page");
        assertEquals(List.of(), browser.findElements(By.cssSelector("#preview-rows img")), "no image either");
        assertThrows(NoAlertPresentException.class, () -> browser.switchTo().alert());
    }

    @Test
    @Order(3)
    void anOperatorRestoresAVersionAndPreviewsAFile() throws Exception {
        String rid = world.newResource("id,name\n1,first\n2,first\n".getBytes(StandardCharsets.UTF_8));
        world.resubmitAndAwait(rid, LOAD);
        String firstJob = world.newestJob(rid).orElseThrow().get("job_id");
        world.ckan.replaceFile(rid, "id,name\n1,second\n".getBytes(StandardCharsets.UTF_8));
        assertEquals("complete", world.resubmitAndAwait(rid, LOAD).get("status"));

        open("/resources/" + rid);
        WebElement version = browser.findElement(By.cssSelector("#versions input[name=version]"));
        assertEquals(firstJob, version.getAttribute("value"));
        click(By.cssSelector("#versions button.restore"));
        assertEquals("restore", browser.findElement(By.xpath("//dt[.='Kind']/following-sibling::dd[1]")).getText());
        awaitStatus("complete");
        assertEquals("2", world.datastore.queryOne("SELECT count(*) FROM \"" + rid + "\""));

        click(By.id("resource-link"));
        click(By.id("preview"));
        awaitStatus("complete");
        assertTrue(texts(By.cssSelector("#preview-rows td")).contains("second"), "the preview shows the file's rows, not the restored table's");
    }

    @Test
    @Order(4)
    void anOperatorRetriesAParkedFollowUp() throws Exception {
        world.broker().publish("this is not JSON");
        String rid = world.newResource("id,name\n1,Ada\n".getBytes(StandardCharsets.UTF_8));
        world.ckan.solrDown(true);
        world.broker().resubmit(rid);
        world.awaitStatus(rid, "failed", LOAD);
        String jobId = world.newestJob(rid).orElseThrow().get("job_id");

        open("/follow-ups");
        until("the dead-lettered body is counted", () -> browser.findElement(By.id("dead-letters")).getText().equals("1"));
        By row = By.cssSelector("#follow-ups tr[data-job='" + jobId + "']");
        assertTrue(browser.findElement(row).getText().contains("metadata update (given up)"));

        world.ckan.solrDown(false);
        click(By.cssSelector("#follow-ups tr[data-job='" + jobId + "'] button.retry"));
        // the click returns before the POST's redirect has been followed
        until("the retry shows the job's page", () -> browser.getCurrentUrl().endsWith("/jobs/" + jobId));
        awaitStatus("complete");
        assertEquals(true, world.ckan.resource(rid).get("datastore_active"));
        open("/follow-ups");
        assertTrue(browser.findElements(row).isEmpty(), "nothing is owed any more");
    }

    /**
     * The loader writes {@code progress} at most every 2 s and the jobs page reloads every 3 s: the
     * bar's rows text must change at least once during the load.
     */
    @Test
    @Order(5)
    void anOperatorWatchesALargeLoadsProgressBarMoveAndOpensTheJob() throws Exception {
        String rid = world.newResource(CsvFiles.large(LARGE_ROWS));
        world.broker().resubmit(rid);
        open("/");
        By bar = By.cssSelector("tr[data-job] .progress .rows");
        List<String> seen = new ArrayList<>();
        try {
            // until the rows text changed once, or the load ended (then the assertions below say what was missing)
            until("the progress bar's rows move on, or the load ends", () -> {
                List<String> now = texts(bar);
                if (!now.isEmpty() && !now.get(0).isBlank() && (seen.isEmpty() || !now.get(0).equals(seen.get(seen.size() - 1)))) {
                    seen.add(now.get(0));
                }
                return seen.size() >= 2 || ended(rid);
            });
        } finally {
            screenshot();
        }
        assertFalse(seen.isEmpty(), "the running load showed a progress bar with its rows on the jobs page");
        assertTrue(seen.size() >= 2, "the bar's rows moved on while the page reloaded itself: " + seen);
        // the download shows bytes, the analysis and the fill rows
        assertTrue(seen.stream().anyMatch(text -> text.endsWith("rows")), seen.toString());

        click(By.cssSelector("tr.status-running td:first-child a"));
        assertEquals(rid, browser.findElement(By.id("resource-link")).getText());
        awaitStatus("complete");
        List<String> steps = texts(By.cssSelector("table.steps td:first-child"));
        assertEquals(List.of("fetch-resource", "download", "analyze", "load", "update-metadata"), steps);
        assertTrue(texts(By.cssSelector("#log td:last-child")).stream().anyMatch(l -> l.contains("300000 rows")
                || l.contains("300,000")), "the log ends with the rows loaded");
        Map<String, String> job = world.newestJob(rid).orElseThrow();
        assertEquals(String.valueOf(LARGE_ROWS), job.get("row_count"));
    }

    // ------------------------------------------------------------------ helpers

    private static void open(String path) {
        browser.get(worker.baseUrl() + path);
    }

    /** Clicks what the locator finds, finding it again when the page reloaded itself under the click. */
    private static void click(By locator) throws InterruptedException {
        for (int attempt = 0; ; attempt++) {
            try {
                browser.findElement(locator).click();
                return;
            } catch (StaleElementReferenceException reloaded) {
                if (attempt == 5) {
                    throw reloaded;
                }
                Thread.sleep(200);
            }
        }
    }

    /** Waits until the job page (which reloads itself while the job runs) shows this status. */
    private static void awaitStatus(String status) {
        until("the job is " + status, () -> browser.findElement(By.id("status")).getText().equals(status));
    }

    private static void until(String what, Supplier<Boolean> condition) {
        new WebDriverWait(browser, LOAD, Duration.ofMillis(250))
                // the page may reload itself between finding an element and reading it: stale elements,
                // missing ones, and Chromium's "node does not belong to the document" all mean "look again"
                .ignoring(WebDriverException.class)
                .withMessage(() -> what + " (page " + browser.getCurrentUrl() + ")")
                .until(driver -> condition.get());
    }

    private static boolean ended(String rid) {
        try {
            return FaultWorld.ENDED.contains(world.newestStatus(rid));
        } catch (Exception e) {
            return false;
        }
    }

    private static List<String> texts(By locator) {
        return browser.findElements(locator).stream().map(WebElement::getText).toList();
    }

    private static void screenshot() throws Exception {
        Files.createDirectories(SCREENSHOT.getParent());
        Files.copy(browser.getScreenshotAs(OutputType.FILE).toPath(), SCREENSHOT, StandardCopyOption.REPLACE_EXISTING);
    }
}
