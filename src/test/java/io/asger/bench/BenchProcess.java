package io.asger.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One measured JVM (the asger jar or the baseline): started with its own environment, output to a file, paused
 * (SIGSTOP) while its queue is loaded and resumed (SIGCONT) to drain it, its CPU time read from /proc/PID/stat.
 */
final class BenchProcess implements AutoCloseable {

    private static final long TICKS_PER_SECOND = clockTicks();

    final String label;
    final Path log;
    private final Process process;
    private final long launchedAt;
    private long readyMs = -1;

    /**
     * The file of its profile's measured windows (JfrTop.WINDOWS), or null when it is not profiled. A profiled process
     * is stopped with SIGTERM (its JFR recording is then written), not SIGKILL.
     */
    private final Path windows;
    private final boolean graceful;

    BenchProcess(String label, List<String> command, Map<String, String> env, Path workDir, Path log, Path windows)
            throws IOException {
        this.label = label;
        this.windows = windows;
        this.graceful = windows != null;
        if (windows != null) {
            // Empty until a measured round: a process that runs none (the latency test's only) has no samples counted.
            Files.writeString(windows, "", StandardCharsets.US_ASCII);
        }
        this.log = log;
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("ASGER_") || k.startsWith("AWS_")
                || k.startsWith("CAMEL_") || k.equals("JAVA_TOOL_OPTIONS"));
        builder.environment().putAll(env);
        launchedAt = System.nanoTime();
        process = builder.start();
    }

    long pid() {
        return process.pid();
    }

    /** Waits for the line that says the process is ready; returns (and remembers) the milliseconds since launch. */
    long awaitReady(String marker, long timeoutSeconds) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (System.nanoTime() < deadline) {
            if (Files.exists(log) && Files.readString(log, StandardCharsets.ISO_8859_1).contains(marker)) {
                readyMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - launchedAt);
                return readyMs;
            }
            if (!process.isAlive()) {
                throw new IllegalStateException(label + " exited with " + process.exitValue() + " before '" + marker
                        + "'; its output: " + log + "\n" + tail());
            }
            Thread.sleep(10);
        }
        throw new IllegalStateException(label + " not ready after " + timeoutSeconds + " s; its output: " + log + "\n" + tail());
    }

    long readyMs() {
        return readyMs;
    }

    /** User plus system CPU time of the process so far, in seconds. */
    double cpuSeconds() throws IOException {
        return cpuOf(Files.readString(Path.of("/proc/" + pid() + "/stat")));
    }

    /** utime + stime of a /proc stat line (a process's or a thread's), in seconds. */
    private static double cpuOf(String stat) {
        // The command name (field 2) may hold spaces; the fields after it are space separated. utime and stime are
        // fields 14 and 15, i.e. the 12th and 13th after the name.
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / (double) TICKS_PER_SECOND;
    }

    /**
     * User plus system CPU time so far of the JVM's JIT compiler threads (C1 and C2 CompilerThread), in seconds. A
     * compiler thread that has ended takes its time with it (on 2 CPUs the JVM keeps one of each): a lower bound.
     */
    double jitCpuSeconds() throws IOException {
        double total = 0;
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/" + pid() + "/task"))) {
            for (Path task : tasks) {
                try {
                    String comm = Files.readString(task.resolve("comm")).trim();
                    if (comm.startsWith("C1 CompilerThre") || comm.startsWith("C2 CompilerThre")) {
                        total += cpuOf(Files.readString(task.resolve("stat")));
                    }
                } catch (NoSuchFileException ended) {
                    // the thread ended while we looked
                }
            }
        }
        return total;
    }

    /** Resident memory now, in MB (VmRSS). */
    double rssMb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid() + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
            }
        }
        throw new IllegalStateException("no VmRSS for " + label);
    }

    /** Notes a measured stretch (epoch milliseconds) in its profile's windows file; nothing when not profiled. */
    void measured(long fromMillis, long toMillis) throws IOException {
        if (windows != null) {
            Files.writeString(windows, fromMillis + " " + toMillis + "\n", StandardCharsets.US_ASCII,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
    }

    void pause() throws IOException, InterruptedException {
        signal("STOP");
    }

    void resume() throws IOException, InterruptedException {
        signal("CONT");
    }

    private void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IllegalStateException("kill -" + name + " " + pid() + " (" + label + ") failed");
        }
    }

    /** The first ERROR lines of its output, for a failure's message. */
    String errors() throws IOException {
        return Files.readAllLines(log, StandardCharsets.ISO_8859_1).stream().filter(l -> l.contains("ERROR")).limit(3)
                .reduce("", (a, b) -> a + "\n" + b) + "\n(all of it in " + log + ")";
    }

    String tail() throws IOException {
        if (!Files.exists(log)) {
            return "";
        }
        List<String> lines = Files.readAllLines(log, StandardCharsets.ISO_8859_1);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    }

    @Override
    public void close() throws Exception {
        if (process.isAlive()) {
            resume();
            if (graceful) {
                process.destroy();
                process.waitFor(60, TimeUnit.SECONDS);
            }
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static long clockTicks() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            p.waitFor();
            return Long.parseLong(out);
        } catch (IOException | NumberFormatException e) {
            return 100;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 100;
        }
    }
}
