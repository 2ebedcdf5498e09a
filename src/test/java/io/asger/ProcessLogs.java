package io.asger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a test writes what an asger process it started printed: target/asger-processes/. SecretsNeverLoggedIT reads
 * every file there (and target/asger-tests.log, where the in-JVM apps log), so a test that starts asger as a process
 * should send its output here.
 */
public final class ProcessLogs {

    public static final Path DIR = Path.of("target/asger-processes");

    private ProcessLogs() {
    }

    /** A fresh file for one process, e.g. {@code file("JarIT", "bad.log")}. */
    public static Path file(String test, String name) {
        try {
            Files.createDirectories(DIR);
            Path file = DIR.resolve(test + "-" + name);
            Files.deleteIfExists(file);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
