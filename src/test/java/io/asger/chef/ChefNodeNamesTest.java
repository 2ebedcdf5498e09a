package io.asger.chef;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asger.errors.PermanentFailure;
import org.junit.jupiter.api.Test;

class ChefNodeNamesTest {

    private final ChefNodeNames names = new ChefNodeNames();

    @Test
    void readsTheNamesOfAPartialSearchAnswer() {
        String body = "{\"total\":2,\"start\":0,\"rows\":["
                + "{\"url\":\"http://chef/nodes/web-1\",\"data\":{\"name\":\"web-1\"}},"
                + "{\"url\":\"http://chef/nodes/web-1.example.com\",\"data\":{\"name\":\"web-1.example.com\"}}]}";

        assertThat(names.fromSearchResponse(body)).containsExactly("web-1", "web-1.example.com");
        assertThat(names.fromSearchResponse("{\"total\":0,\"start\":0,\"rows\":[]}")).isEmpty();
    }

    @Test
    void moreMatchesThanOnePageIsAmbiguous() {
        String body = "{\"total\":1500,\"start\":0,\"rows\":[{\"data\":{\"name\":\"a\"}}]}";

        assertThatThrownBy(() -> names.fromSearchResponse(body))
                .isInstanceOf(PermanentFailure.class).hasMessageStartingWith("ambiguous:").hasMessageContaining("1500");
    }

    @Test
    void refusesNamesThatAreNotChefNamesOrThatWouldMoveThePath() {
        for (String bad : new String[] {"..", ".", "a/b", "a b", "a?b", "a%2Fb", "", "a\nb"}) {
            String body = "{\"total\":1,\"rows\":[{\"data\":{\"name\":" + quote(bad) + "}}]}";
            assertThatThrownBy(() -> names.fromSearchResponse(body)).as(bad)
                    .isInstanceOf(PermanentFailure.class).hasMessageContaining("refusing");
        }
    }

    @Test
    void refusesAnswersThatAreNotSearchResults() {
        assertThatThrownBy(() -> names.fromSearchResponse("<html>")).isInstanceOf(PermanentFailure.class);
        assertThatThrownBy(() -> names.fromSearchResponse("")).isInstanceOf(PermanentFailure.class)
                .hasMessageContaining("asger.chef.url");
        assertThatThrownBy(() -> names.fromSearchResponse("{\"error\":[\"x\"]}")).isInstanceOf(PermanentFailure.class);
        assertThatThrownBy(() -> names.fromSearchResponse("{\"rows\":[{\"data\":{}}]}")).isInstanceOf(PermanentFailure.class);
    }

    @Test
    void deletesTheClientNamedByTheTemplateThenTheNode() {
        assertThat(names.pathsToDelete("web-1", "i-01234567")).containsExactly("/clients/web-1", "/nodes/web-1");
        names.setClientNameTemplate("{node}.example.com");
        assertThat(names.pathsToDelete("web-1", "i-01234567")).containsExactly("/clients/web-1.example.com", "/nodes/web-1");
        names.setClientNameTemplate("{instanceId}");
        assertThat(names.pathsToDelete("web-1", "i-01234567")).containsExactly("/clients/i-01234567", "/nodes/web-1");
        names.setClientNameTemplate("../{node}");
        assertThatThrownBy(() -> names.pathsToDelete("web-1", "i-01234567")).isInstanceOf(PermanentFailure.class);
    }

    @Test
    void keepsTheClientWhenDeleteClientIsOff() {
        names.setDeleteClient(false);
        assertThat(names.pathsToDelete("web-1", "i-01234567")).containsExactly("/nodes/web-1");
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }
}
