package io.asger.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RemoveHeaders keeps and drops what Camel's removeHeaders step does for the same patterns, without regular expressions. */
class RemoveHeadersTest {

    private static final CamelContext CAMEL = new DefaultCamelContext();

    /** Headers a task's exchange carries: Camel's, SQS's, a Chef request's and response's, an inbound attribute's. */
    private static final List<String> HEADERS = List.of("CamelRedeliveryCounter", "CamelRedeliveryMaxCounter",
            "CamelRedelivered", "CamelAwsSqsReceiptHandle", "CamelAwsSqsMessageId", "CamelAwsSqsAttributes",
            "CamelHttpUri", "CamelHttpMethod", "CamelHttpPath", "CamelHttpQuery", "CamelHttpResponseCode",
            "camelhttpresponsetext", "SentTimestamp", "ApproximateReceiveCount", "X-Ops-Sign", "X-Ops-Authorization-1",
            "Content-Type", "Accept", "asger-original-message-id", "Camel", "Cam", "CamelHttp");

    private static Exchange exchange() {
        Exchange e = new DefaultExchange(CAMEL);
        HEADERS.forEach(h -> e.getMessage().setHeader(h, "v"));
        return e;
    }

    private static Set<String> left(Exchange e) {
        return new TreeSet<>(e.getMessage().getHeaders().keySet());
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
        // pattern; asger's excludes; the same excludes as the regular expression the routes used to give Camel
        "*; Camel*; Camel*",
        "*; CamelRedelivery*,CamelAwsSqsReceiptHandle,CamelAwsSqsMessageId; CamelRedelivery.*|CamelAwsSqsReceiptHandle|CamelAwsSqsMessageId",
        "CamelHttp*; CamelHttpUri,CamelHttpMethod; CamelHttpUri|CamelHttpMethod",
        "CamelHttp*; ; ",
    })
    void leavesWhatCamelsRemoveHeadersLeaves(String pattern, String excludes, String camelExclude) throws Exception {
        Exchange ours = exchange();
        new RemoveHeaders(pattern, excludes).process(ours);
        Exchange camels = exchange();
        if (camelExclude == null) {
            camels.getMessage().removeHeaders(pattern);
        } else {
            camels.getMessage().removeHeaders(pattern, camelExclude);
        }

        assertThat(left(ours)).isEqualTo(left(camels)).isNotEqualTo(new TreeSet<>(HEADERS));
    }

    @Test
    void keepsOnlyCamelsOwnBeforeARequest() throws Exception {
        Exchange e = exchange();
        new RemoveHeaders("*", "Camel*").process(e);

        assertThat(left(e)).allMatch(h -> h.regionMatches(true, 0, "Camel", 0, 5)).contains("CamelRedeliveryCounter",
                "CamelAwsSqsReceiptHandle", "camelhttpresponsetext").doesNotContain("X-Ops-Sign", "SentTimestamp", "Cam");
    }

    @Test
    void refusesARegularExpressionRatherThanReadingItAsAName() {
        assertThatThrownBy(() -> new RemoveHeaders("*", "CamelHttpUri|CamelHttpMethod"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("commas");
        assertThatThrownBy(() -> new RemoveHeaders("*", "Camel*Uri")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("trailing *");
        assertThatThrownBy(() -> new RemoveHeaders("", "Camel*")).isInstanceOf(IllegalArgumentException.class);
    }
}
