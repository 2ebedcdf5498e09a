package io.asger.chef;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asger.errors.PermanentFailure;
import io.asger.errors.TransientFailure;
import org.junit.jupiter.api.Test;

class ChefResponseStatusTest {

    private final ChefResponseStatus status = new ChefResponseStatus();

    ChefResponseStatusTest() {
        status.setClientName("asger-cleanup");
    }

    @Test
    void successAndAlreadyDeletedPass() {
        assertThatCode(() -> status.check(200, "POST", "/search/node")).doesNotThrowAnyException();
        assertThatCode(() -> status.check(200, "DELETE", "/nodes/web-1")).doesNotThrowAnyException();
        assertThatCode(() -> status.check(404, "DELETE", "/clients/web-1")).doesNotThrowAnyException();
    }

    @Test
    void notFoundOnSearchPointsAtTheUrl() {
        assertThatThrownBy(() -> status.check(404, "POST", "/organizations/acme/search/node"))
                .isInstanceOf(PermanentFailure.class).hasMessageContaining("asger.chef.url");
    }

    @Test
    void authenticationFailuresNameTheClientAndTheLikelyCause() {
        assertThatThrownBy(() -> status.check(401, "POST", "/search/node"))
                .isInstanceOf(PermanentFailure.class)
                .hasMessageContaining("'asger-cleanup'").hasMessageContaining("key").hasMessageContaining("clock");
        assertThatThrownBy(() -> status.check(403, "DELETE", "/clients/web-1"))
                .isInstanceOf(PermanentFailure.class)
                .hasMessageContaining("'asger-cleanup'").hasMessageContaining("rights");
    }

    @Test
    void throttlingAndServerErrorsAreTransientOtherClientErrorsPermanent() {
        assertThatThrownBy(() -> status.check(429, "POST", "/search/node")).isInstanceOf(TransientFailure.class);
        assertThatThrownBy(() -> status.check(503, "DELETE", "/nodes/web-1")).isInstanceOf(TransientFailure.class);
        assertThatThrownBy(() -> status.check(400, "POST", "/search/node")).isInstanceOf(PermanentFailure.class);
        assertThatThrownBy(() -> status.check(409, "DELETE", "/nodes/web-1")).isInstanceOf(PermanentFailure.class);
    }
}
