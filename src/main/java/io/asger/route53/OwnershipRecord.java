package io.asger.route53;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The TXT record asger writes next to each A record it creates, as external-dns's TXT registry does: a record
 * whose name carries {@code "heritage=asger,asger/instance-id=i-..."} is asger's, and belongs to that instance.
 * A name without it is someone else's and asger never changes it.
 *
 * <p>Route 53 wants TXT values in double quotes; it answers with them quoted the same way.
 */
public final class OwnershipRecord {

    /** Records written before asger named the region lack the second part; both forms are asger's. */
    private static final Pattern VALUE = Pattern.compile(
            "\"heritage=asger,asger/instance-id=(i-[0-9a-f]{8}(?:[0-9a-f]{9})?)(?:,asger/region=([a-z]{2}(?:-[a-z]+)+-[0-9]{1,2}))?\"");

    private OwnershipRecord() {
    }

    /** The TXT value, quoted as Route 53 requires, in the form without a region. */
    public static String valueFor(String instanceId) {
        return valueFor(instanceId, null);
    }

    /**
     * The TXT value naming the instance's region too ({@code "heritage=asger,asger/instance-id=i-...,asger/region=eu-west-1"}),
     * so that the reconcile sweep checks the instance in the right region; without a region, the older form.
     */
    public static String valueFor(String instanceId, String region) {
        String value = "\"heritage=asger,asger/instance-id=" + instanceId
                + (region == null || region.isEmpty() ? "" : ",asger/region=" + region) + "\"";
        if (!VALUE.matcher(value).matches()) {
            throw new IllegalArgumentException("not an instance id and region: " + instanceId + " " + region);
        }
        return value;
    }

    /** The instance a TXT value says owns the name, or empty when the value is not asger's. */
    public static Optional<String> ownerOf(String txtValue) {
        Matcher m = VALUE.matcher(txtValue == null ? "" : txtValue.trim());
        return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /** The region an ownership TXT value names; empty for the older form, or a value that is not asger's. */
    public static Optional<String> regionOf(String txtValue) {
        Matcher m = VALUE.matcher(txtValue == null ? "" : txtValue.trim());
        return m.matches() ? Optional.ofNullable(m.group(2)) : Optional.empty();
    }
}
