package io.asger.config;

import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;

import io.asger.consul.ConsulTrust;

/** The consul task's settings (asger.consul.*), read and checked at start-up only when asger.tasks names consul. */
public record ConsulSettings(URI url, String nodeMetaKey, String nodeName, String datacenter, boolean forceLeave,
        Optional<Path> tokenFile, Optional<Path> caFile, int timeoutMs) {

    public static final String TASK = "consul";
    public static final String URL = "asger.consul.url";
    public static final String NODE_META_KEY = "asger.consul.node-meta-key";
    public static final String NODE_NAME = "asger.consul.node-name";
    public static final String DATACENTER = "asger.consul.datacenter";
    public static final String FORCE_LEAVE = "asger.consul.force-leave";
    public static final String TOKEN = "asger.consul.token";
    public static final String TOKEN_FILE = "asger.consul.token-file";
    public static final String CA_FILE = "asger.consul.ca-file";
    public static final String TIMEOUT_MS = "asger.consul.timeout-ms";

    /** Notes every bad consul setting in {@code s}; see {@link AsgerSettings#read}. */
    public static ConsulSettings read(Settings s) {
        Optional<URI> url = s.url(URL);
        if (url.isEmpty() && !s.hasProblem(URL)) {
            s.problem(URL, "is required because asger.tasks includes 'consul'");
        }
        String nodeMetaKey = s.text(NODE_META_KEY, "");
        String nodeName = s.text(NODE_NAME, "{instanceId}");
        String datacenter = s.text(DATACENTER, "");
        boolean forceLeave = s.bool(FORCE_LEAVE, false);
        Optional<Path> tokenFile = s.get(TOKEN).isPresent() ? Optional.empty() : s.readableFile(TOKEN_FILE);
        Optional<Path> caFile = s.readableFile(CA_FILE);
        caFile.ifPresent(file -> {
            try {
                ConsulTrust.sslContextParameters(file.toString());
            } catch (RuntimeException e) {
                s.problem(CA_FILE, "is not a PEM bundle of CA certificates: " + e.getMessage());
            }
        });
        int timeoutMs = s.integer(TIMEOUT_MS, 10_000, 1, 600_000);
        return new ConsulSettings(url.orElse(null), nodeMetaKey, nodeName, datacenter, forceLeave, tokenFile, caFile,
                timeoutMs);
    }
}
