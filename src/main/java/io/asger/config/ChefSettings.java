package io.asger.config;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import io.asger.chef.ChefKeyLoader;
import io.asger.chef.ChefSearchQuery;
import io.asger.chef.ChefTrustStore;

/** The chef task's settings (asger.chef.*), read and checked at start-up only when asger.tasks names chef. */
public record ChefSettings(URI url, String clientName, Path keyFile, String signVersion, String searchQuery,
        String clientNameTemplate, boolean deleteClient, boolean allowMultiple, Optional<Path> trustStore,
        int timeoutMs, int inventoryRows) {

    public static final String TASK = "chef";
    public static final String URL = "asger.chef.url";
    public static final String CLIENT_NAME = "asger.chef.client-name";
    public static final String KEY_FILE = "asger.chef.key-file";
    public static final String SIGN_VERSION = "asger.chef.sign-version";
    public static final String SEARCH_QUERY = "asger.chef.search-query";
    public static final String CLIENT_NAME_TEMPLATE = "asger.chef.client-name-template";
    public static final String DELETE_CLIENT = "asger.chef.delete-client";
    public static final String ALLOW_MULTIPLE = "asger.chef.allow-multiple";
    public static final String TRUST_STORE = "asger.chef.trust-store";
    public static final String TRUST_STORE_PASSWORD = "asger.chef.trust-store-password";
    public static final String TIMEOUT_MS = "asger.chef.timeout-ms";
    public static final String INVENTORY_ROWS = "asger.chef.inventory-rows";

    static final String REQUIRED = "is required because asger.tasks includes 'chef'";

    /** Notes every bad chef setting in {@code s}; see {@link AsgerSettings#read}. */
    public static ChefSettings read(Settings s) {
        Optional<URI> url = s.url(URL);
        if (url.isEmpty() && !s.hasProblem(URL)) {
            s.problem(URL, REQUIRED);
        }
        url.filter(u -> u.getRawPath() != null && u.getRawPath().endsWith("/"))
                .ifPresent(u -> s.problem(URL, "must not end with '/': the signed path would differ from the one sent, was '" + u + "'"));
        String clientName = s.require(CLIENT_NAME, REQUIRED);
        Path keyFile = null;
        if (s.get(KEY_FILE).isEmpty()) {
            s.problem(KEY_FILE, REQUIRED);
        } else {
            Optional<Path> file = s.readableFile(KEY_FILE);
            if (file.isPresent()) {
                try {
                    // Read now, not at the first terminate: a wrong key is an operator's mistake to report at once.
                    ChefKeyLoader.load(file.get());
                    keyFile = file.get();
                } catch (RuntimeException e) {
                    s.problem(KEY_FILE, "is not a usable Chef client key: " + e.getMessage());
                }
            }
        }
        String signVersion = s.oneOf(SIGN_VERSION, "1.1", List.of("1.0", "1.1", "1.3"));
        String searchQuery = s.text(SEARCH_QUERY, "ec2_instance_id:" + ChefSearchQuery.PLACEHOLDER);
        if (!searchQuery.contains(ChefSearchQuery.PLACEHOLDER)) {
            s.problem(SEARCH_QUERY, "must contain " + ChefSearchQuery.PLACEHOLDER + ", was '" + searchQuery + "'");
        }
        String clientNameTemplate = s.text(CLIENT_NAME_TEMPLATE, "{node}");
        boolean deleteClient = s.bool(DELETE_CLIENT, true);
        boolean allowMultiple = s.bool(ALLOW_MULTIPLE, false);
        Optional<Path> trustStore = s.readableFile(TRUST_STORE);
        trustStore.ifPresent(file -> {
            try {
                ChefTrustStore.sslContextParameters(file.toString(), s.text(TRUST_STORE_PASSWORD, ""));
            } catch (RuntimeException e) {
                s.problem(TRUST_STORE, "cannot be read as a JKS, PKCS12 or PEM trust store: " + e.getMessage());
            }
        });
        int timeoutMs = s.integer(TIMEOUT_MS, 30_000, 1, 600_000);
        int inventoryRows = s.integer(INVENTORY_ROWS, 1000, 1, 10_000);
        return new ChefSettings(url.orElse(null), clientName, keyFile, signVersion, searchQuery, clientNameTemplate,
                deleteClient, allowMultiple, trustStore, timeoutMs, inventoryRows);
    }
}
