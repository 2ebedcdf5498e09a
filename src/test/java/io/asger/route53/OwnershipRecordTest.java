package io.asger.route53;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class OwnershipRecordTest {

    @Test
    void valueIsQuotedAndNamesAsgerAndTheInstance() {
        assertThat(OwnershipRecord.valueFor("i-0123456789abcdef0"))
                .isEqualTo("\"heritage=asger,asger/instance-id=i-0123456789abcdef0\"");
    }

    @Test
    void readsTheOwnerBackAndNothingFromOtherValues() {
        assertThat(OwnershipRecord.ownerOf(OwnershipRecord.valueFor("i-01234567"))).contains("i-01234567");
        assertThat(OwnershipRecord.ownerOf("\"heritage=external-dns,external-dns/owner=default\"")).isEmpty();
        assertThat(OwnershipRecord.ownerOf("heritage=asger,asger/instance-id=i-01234567")).isEmpty();
        assertThat(OwnershipRecord.ownerOf("\"v=spf1 -all\"")).isEmpty();
        assertThat(OwnershipRecord.ownerOf(null)).isEmpty();
    }

    @Test
    void refusesWhatIsNotAnInstanceId() {
        assertThatThrownBy(() -> OwnershipRecord.valueFor("i-XYZ\" \"x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void newRecordsNameTheRegionAndBothFormsAreRead() {
        String value = OwnershipRecord.valueFor("i-0123456789abcdef0", "eu-west-1");
        assertThat(value).isEqualTo("\"heritage=asger,asger/instance-id=i-0123456789abcdef0,asger/region=eu-west-1\"");
        assertThat(OwnershipRecord.ownerOf(value)).contains("i-0123456789abcdef0");
        assertThat(OwnershipRecord.regionOf(value)).contains("eu-west-1");
        assertThat(OwnershipRecord.regionOf(OwnershipRecord.valueFor("i-0123456789abcdef0"))).isEmpty();
        assertThat(OwnershipRecord.ownerOf("\"heritage=asger,asger/instance-id=i-01234567,asger/region=x\"")).isEmpty();
        assertThatThrownBy(() -> OwnershipRecord.valueFor("i-01234567", "eu\" \"x")).isInstanceOf(IllegalArgumentException.class);
    }
}
