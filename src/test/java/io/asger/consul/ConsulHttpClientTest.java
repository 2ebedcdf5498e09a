package io.asger.consul;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConsulHttpClientTest {

    @Test
    void noTokenConfiguredMeansNoToken() throws Exception {
        assertThat(new ConsulHttpClient().currentToken()).isEmpty();
    }

    @Test
    void tokenPropertyWinsOverTheFile(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("token"), "from-file\n");
        ConsulHttpClient client = new ConsulHttpClient();
        client.setToken(" from-property ");
        client.setTokenFile(file.toString());
        assertThat(client.currentToken()).isEqualTo("from-property");
    }

    @Test
    void tokenFileIsReadForEveryRequestSoRotationIsPickedUp(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("token"), "first\n");
        ConsulHttpClient client = new ConsulHttpClient();
        client.setToken("");
        client.setTokenFile(file.toString());
        assertThat(client.currentToken()).isEqualTo("first");
        Files.writeString(file, "second");
        assertThat(client.currentToken()).isEqualTo("second");
    }

    @Test
    void unreadableTokenFileIsAnIoErrorNamingOnlyTheFile(@TempDir Path dir) {
        ConsulHttpClient client = new ConsulHttpClient();
        client.setTokenFile(dir.resolve("missing").toString());
        assertThatThrownBy(client::currentToken).isInstanceOf(IOException.class).hasMessageContaining("missing");
    }
}
