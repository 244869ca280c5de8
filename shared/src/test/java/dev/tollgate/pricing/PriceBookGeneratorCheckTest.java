package dev.tollgate.pricing;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The committed price book is what tools/pricing/generate_price_book.py derives from the feed, and its
 * {@code --check} notices any difference. Runs python3 (stdlib only); fails, never skips, if it cannot.
 */
class PriceBookGeneratorCheckTest {

    private static final Path REPO = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().getParent();
    private static final Path SCRIPT = REPO.resolve("tools/pricing/generate_price_book.py");
    private static final Path RESOURCES = REPO.resolve("shared/src/main/resources/dev/tollgate/pricing");

    private record Run(int exitCode, String output) {
    }

    private static Run check(String... extra) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("python3", SCRIPT.toString(), "--check"));
        command.addAll(List.of(extra));
        Process process = new ProcessBuilder(command).directory(REPO.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "generator did not finish");
        return new Run(process.exitValue(), output);
    }

    private static Path copyOfCommittedBook(Path dir) throws IOException {
        for (String name : List.of("prices.json", "LICENSE-genai-prices.txt")) {
            Files.copy(RESOURCES.resolve(name), dir.resolve(name));
        }
        return dir;
    }

    @Test
    void committedBookIsUpToDate() throws Exception {
        Run run = check();
        assertEquals(0, run.exitCode(), run.output());
    }

    @Test
    void anUnchangedCopyPasses(@TempDir Path dir) throws Exception {
        Run run = check("--out-dir", copyOfCommittedBook(dir).toString());
        assertEquals(0, run.exitCode(), run.output());
    }

    @Test
    void aChangedPriceFails(@TempDir Path dir) throws Exception {
        copyOfCommittedBook(dir);
        Path prices = dir.resolve("prices.json");
        String text = Files.readString(prices);
        String edited = text.replaceFirst("\"input_mtok\":\"0.15\"", "\"input_mtok\":\"0.14\"");
        assertTrue(!edited.equals(text), "the fixture edit must change something");
        Files.writeString(prices, edited);
        Run run = check("--out-dir", dir.toString());
        assertEquals(1, run.exitCode(), run.output());
        assertTrue(run.output().contains("prices.json"), run.output());
    }

    @Test
    void aMissingLicenceNoticeFails(@TempDir Path dir) throws Exception {
        copyOfCommittedBook(dir);
        Files.delete(dir.resolve("LICENSE-genai-prices.txt"));
        Run run = check("--out-dir", dir.toString());
        assertEquals(1, run.exitCode(), run.output());
        assertTrue(run.output().contains("LICENSE-genai-prices.txt"), run.output());
    }
}
