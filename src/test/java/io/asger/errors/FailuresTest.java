package io.asger.errors;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.SocketTimeoutException;

import com.fasterxml.jackson.core.JsonParseException;
import org.apache.camel.RuntimeCamelException;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

/** The one failure table (README "Failures, retries, dead letters"). */
class FailuresTest {

    private final Failures failures = new Failures();

    static AwsServiceException aws(String code, int status) {
        return AwsServiceException.builder().statusCode(status)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(code).build()).build();
    }

    @Test
    void statuses() {
        for (int transientStatus : new int[] {408, 429, 500, 502, 503, 504}) {
            assertThat(Failures.ofStatus(transientStatus)).as("" + transientStatus).isEqualTo(FailureKind.TRANSIENT);
            assertThat(Failures.forStatus(transientStatus, "x")).isInstanceOf(TransientFailure.class);
        }
        for (int permanent : new int[] {301, 400, 401, 403, 404, 405, 409, 410, 422}) {
            assertThat(Failures.ofStatus(permanent)).as("" + permanent).isEqualTo(FailureKind.PERMANENT);
            assertThat(Failures.forStatus(permanent, "x")).isInstanceOf(PermanentFailure.class).hasMessage("x");
        }
    }

    @Test
    void camelHttpFailuresFollowTheSameTable() {
        assertThat(failures.kind(new HttpOperationFailedException("http://x", 404, "Not Found", null, null, null))).isEqualTo("permanent");
        assertThat(failures.kind(new HttpOperationFailedException("http://x", 408, "Timeout", null, null, null))).isEqualTo("transient");
        assertThat(failures.kind(new HttpOperationFailedException("http://x", 409, "Conflict", null, null, null))).isEqualTo("permanent");
    }

    @Test
    void awsThrottlingAndBusyCodesAreTransientWhateverTheStatus() {
        for (String code : Failures.THROTTLING_CODES) {
            assertThat(Failures.isThrottling(aws(code, 400))).as(code).isTrue();
            assertThat(failures.isPermanent(aws(code, 400))).as(code).isFalse();
        }
        assertThat(failures.isPermanent(aws("ServiceUnavailable", 400))).isFalse();
        assertThat(failures.isPermanent(aws("InvalidChangeBatch", 400))).isTrue();
        assertThat(failures.isPermanent(aws("AccessDenied", 403))).isTrue();
        assertThat(failures.isPermanent(aws("Whatever", 503))).isFalse();
    }

    @Test
    void exceptionsAreSortedThroughCamelsWrappers() {
        assertThat(failures.isPermanent(new RuntimeCamelException(new PermanentFailure("no")))).isTrue();
        assertThat(failures.isPermanent(new RuntimeCamelException(new TransientFailure("later")))).isFalse();
        assertThat(failures.isPermanent(new JsonParseException(null, "bad"))).isTrue();
        assertThat(failures.isPermanent(new IOException("reset"))).isFalse();
        assertThat(failures.isPermanent(new SocketTimeoutException("slow"))).isFalse();
        assertThat(failures.isPermanent(new IllegalStateException("a bug"))).isFalse();
    }
}
