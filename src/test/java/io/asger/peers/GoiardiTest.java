package io.asger.peers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GoiardiTest {

    @Test
    void aMissingGoiardiSaysHowToInstallIt() {
        assertThatThrownBy(() -> Goiardi.findBinary(Map.of("PATH", "/nonexistent", "ASGER_PEERS_DIR", "/nonexistent")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("goiardi").hasMessageContaining("scripts/install-test-peers.sh");
    }

    @Test
    void prefersTheCopyInTheTestPeersDirectory(@TempDir Path peers) throws Exception {
        Path binary = Files.createDirectories(peers.resolve("bin")).resolve("goiardi");
        Files.writeString(binary, "#!/bin/sh\n");
        binary.toFile().setExecutable(true);

        assertThat(Goiardi.findBinary(Map.of("PATH", "/usr/bin:/bin", "ASGER_PEERS_DIR", peers.toString()))).isEqualTo(binary);
    }
}
