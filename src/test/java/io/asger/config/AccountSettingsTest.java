package io.asger.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/**
 * asger.accounts.&lt;account-id&gt;.role-arn and asger.aws.external-id: the role keys are found by name in every
 * source, properties and environment alike (Camel resolves an environment variable only for a key it is asked
 * for), and each is checked at start-up, naming the key.
 */
class AccountSettingsTest {

    /** Settings whose sources list {@code named}, resolving the property form of each as Camel does. */
    static Settings settings(Map<String, String> named) {
        return new Settings(key -> {
            if (named.containsKey(key)) {
                return Optional.of(named.get(key));
            }
            return Optional.ofNullable(named.get(Settings.envName(key)));
        }, () -> named);
    }

    static AccountSettings read(Map<String, String> named, String... allowed) {
        Settings s = settings(named);
        AccountSettings accounts = AccountSettings.read(s, java.util.Set.of(allowed));
        s.check();
        return accounts;
    }

    @Test
    void rolesComeFromPropertiesAndFromEnvironmentVariablesFoundByTheirNames() {
        Map<String, String> named = new LinkedHashMap<>();
        named.put("asger.accounts.111111111111.role-arn", "arn:aws:iam::111111111111:role/asger-member");
        named.put("ASGER_ACCOUNTS_222222222222_ROLE_ARN", "arn:aws:iam::222222222222:role/ops/asger-member");
        named.put("asger.aws.external-id", "asger-7f3a9c");
        named.put("PATH", "/usr/bin");
        AccountSettings accounts = read(named);
        assertThat(accounts.roleArns()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "111111111111", "arn:aws:iam::111111111111:role/asger-member",
                "222222222222", "arn:aws:iam::222222222222:role/ops/asger-member"));
        assertThat(accounts.externalId()).contains("asger-7f3a9c");
        assertThat(accounts.roleArn("222222222222")).contains("arn:aws:iam::222222222222:role/ops/asger-member");
        assertThat(accounts.roleArn("333333333333")).isEmpty();
        assertThat(accounts.roleArn(null)).isEmpty();
    }

    @Test
    void noneIsTheSingleAccountAsgerAndAnEmptyValueIsNoRole() {
        AccountSettings accounts = read(Map.of("asger.accounts.<account-id>.role-arn", "",
                "asger.accounts.111111111111.role-arn", " "));
        assertThat(accounts.roleArns()).isEmpty();
        assertThat(accounts.externalId()).isEmpty();
    }

    @Test
    void everyBadSettingIsNamedAtOnce() {
        Map<String, String> named = new LinkedHashMap<>();
        named.put("asger.accounts.12345.role-arn", "arn:aws:iam::000000012345:role/x");
        named.put("asger.accounts.111111111111.role-arn", "asger-member");
        named.put("ASGER_ACCOUNTS_222222222222_ROLE_ARN", "arn:aws:iam::333333333333:role/asger-member");
        named.put("asger.accounts.444444444444.role-arn", "arn:aws:iam::444444444444:role/asger-member");
        named.put("asger.aws.external-id", "has spaces in it");
        named.put("asger.accounts", "111111111111,222222222222");
        Settings s = settings(named);
        AccountSettings.read(s, java.util.Set.of("111111111111", "222222222222"));
        assertThatThrownBy(s::check).isInstanceOfSatisfying(InvalidSettingException.class, e -> assertThat(e.lines())
                .containsExactlyInAnyOrder(
                        "asger.accounts.12345.role-arn: names account '12345'; an AWS account id is 12 digits (set it in"
                                + " application.properties, as -Dasger.accounts.12345.role-arn=..., or as ASGER_ACCOUNTS_12345_ROLE_ARN)",
                        "asger.accounts.111111111111.role-arn: must be an IAM role ARN (arn:aws:iam::111111111111:role/NAME),"
                                + " was 'asger-member' (set it in application.properties, as"
                                + " -Dasger.accounts.111111111111.role-arn=..., or as ASGER_ACCOUNTS_111111111111_ROLE_ARN)",
                        "asger.accounts.222222222222.role-arn: names a role in account 333333333333, but the role asger"
                                + " assumes for account 222222222222's events must be in 222222222222 (its EC2 and Auto Scaling"
                                + " are there) (set it in application.properties, as -Dasger.accounts.222222222222.role-arn=...,"
                                + " or as ASGER_ACCOUNTS_222222222222_ROLE_ARN)",
                        "asger.accounts.444444444444.role-arn: gives a role for account 444444444444, which asger.accounts"
                                + " does not allow (111111111111,222222222222): add it there, or drop the role (set it in"
                                + " application.properties, as -Dasger.accounts.444444444444.role-arn=..., or as"
                                + " ASGER_ACCOUNTS_444444444444_ROLE_ARN)",
                        "asger.aws.external-id: must be 2 to 1224 letters, digits or +=,.@:/- (STS's rule), was 16"
                                + " characters (set it in application.properties, as -Dasger.aws.external-id=..., or as"
                                + " ASGER_AWS_EXTERNAL_ID)"));
    }

    @Test
    void theRoute53RoleIsARoleArn() {
        assertThatThrownBy(() -> TaskSettingsTest.read(Map.of("asger.tasks", "route53", "asger.route53.zone-id", "Z1",
                "asger.route53.role-arn", "arn:aws:iam::123:role/x")))
                .isInstanceOfSatisfying(InvalidSettingException.class, e -> assertThat(e.lines()).singleElement()
                        .asString().startsWith("asger.route53.role-arn: must be an IAM role ARN"));
        assertThat(TaskSettingsTest.read(Map.of("asger.tasks", "route53", "asger.route53.zone-id", "Z1",
                "asger.route53.role-arn", "arn:aws:iam::999999999999:role/dns")).task(Route53Settings.class)
                .orElseThrow().roleArn()).contains("arn:aws:iam::999999999999:role/dns");
    }
}
