package io.asger.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JfrTopTest {

    @TempDir
    Path dir;

    @Test
    void onlySamplesInsideTheMeasuredWindowsBesideTheRecordingCount() throws IOException {
        Path recording = dir.resolve("asger-chef-c2.jfr");
        Files.writeString(dir.resolve("asger-chef-c2" + JfrTop.WINDOWS), "1000 2000\n5000 6000\n");

        List<long[]> windows = JfrTop.windows(recording);

        assertEquals(2, windows.size());
        assertTrue(JfrTop.inside(windows, 1000));
        assertTrue(JfrTop.inside(windows, 5500));
        assertFalse(JfrTop.inside(windows, 999), "before the first round: the warm-up");
        assertFalse(JfrTop.inside(windows, 3000), "between rounds: the process was paused or warming up");
        assertFalse(JfrTop.inside(windows, 6001));
    }

    @Test
    void aProcessThatRanNoMeasuredRoundHasNoSampleCounted() throws IOException {
        Files.writeString(dir.resolve("asger-chef-c4" + JfrTop.WINDOWS), "");

        List<long[]> windows = JfrTop.windows(dir.resolve("asger-chef-c4.jfr"));

        assertTrue(windows.isEmpty());
        assertFalse(JfrTop.inside(windows, 42));
    }

    @Test
    void withoutAWindowsFileTheWholeRecordingCounts() throws IOException {
        List<long[]> windows = JfrTop.windows(dir.resolve("older.jfr"));

        assertNull(windows);
        assertTrue(JfrTop.inside(windows, 42));
    }
}
