package io.asger.chef;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asger.errors.PermanentFailure;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ChefSearchQueryTest {

    @Test
    void defaultTemplateSearchesTheEc2InstanceIdAttribute() {
        ChefSearchQuery.Query q = new ChefSearchQuery().build("i-0123456789abcdef0");

        assertThat(q.getText()).isEqualTo("ec2_instance_id:i\\-0123456789abcdef0");
        assertThat(q.getUrlEncoded()).isEqualTo("ec2_instance_id%3Ai%5C-0123456789abcdef0");
    }

    @Test
    void templateCanUseTheOriginalAsgersTagConvention() {
        ChefSearchQuery query = new ChefSearchQuery();
        query.setTemplate("tags:{instanceId} AND chef_environment:prod");

        assertThat(query.build("i-01234567").getText()).isEqualTo("tags:i\\-01234567 AND chef_environment:prod");
        assertThat(query.build("i-01234567").getUrlEncoded()).isEqualTo("tags%3Ai%5C-01234567%20AND%20chef_environment%3Aprod");
    }

    @Test
    void templateWithoutThePlaceholderIsRefused() {
        assertThatThrownBy(() -> new ChefSearchQuery().setTemplate("ec2_instance_id:*"))
                .hasMessageContaining("{instanceId}");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "*", "i-*", "i-0123456?", "i-0123456789abcdef0 OR name:*", "i-0123456789abcdef0\" OR \"x",
        "i-0123456789abcdef0\nname:*", "i-0123456789abcdef0\\", "../nodes/web-1", "i-0123456789abcdef0/../../x",
        "i-0123456789ABCDEF0", "i-0123456", "i-0123456789abcdef01", " i-01234567", "i-01234567 ", "", "ec2_instance_id:*",
        "i-01234567)", "i-0123456789abcdef0%0A", "i-0123456789abcdef0&q=*:*"})
    void hostileInstanceIdsAreRefusedBeforeAnySearch(String id) {
        assertThatThrownBy(() -> new ChefSearchQuery().build(id))
                .isInstanceOf(PermanentFailure.class)
                .hasMessageContaining("not an EC2 instance id")
                .hasMessageNotContaining("\n");
    }

    @Test
    void nullInstanceIdIsRefused() {
        assertThatThrownBy(() -> new ChefSearchQuery().build(null)).isInstanceOf(PermanentFailure.class);
    }

    @Test
    void escapesEveryLuceneQueryCharacterAndWhitespace() {
        assertThat(ChefSearchQuery.escape("a+b-c!d(e)f:g^h[i]j\"k{l}m~n*o?p|q&r;s/t\\u v\tw"))
                .isEqualTo("a\\+b\\-c\\!d\\(e\\)f\\:g\\^h\\[i\\]j\\\"k\\{l\\}m\\~n\\*o\\?p\\|q\\&r\\;s\\/t\\\\u\\ v\\\tw");
    }
}
