package io.asger.sns;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertPathBuilder;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

import io.asger.errors.PermanentFailure;
import io.asger.errors.TransientFailure;

/**
 * The certificates SNS signs with, fetched from a message's SigningCertURL and trusted only when the URL, the TLS
 * connection and the certificate's chain all check out:
 * <ul>
 * <li>the URL must be https and match {@code asger.sns.certificate-url-pattern}: checked before anything is fetched,
 *     so a forged message cannot make asger connect anywhere else;</li>
 * <li>TLS is checked against the JDK trust store plus {@code asger.sns.ca-file}; redirects are not followed;</li>
 * <li>the certificate must be within its validity dates and chain to a trusted root (the same store, plus the
 *     self-signed certificates of the ca-file; its other certificates serve as intermediates). SNS serves only the
 *     leaf, so a missing intermediate is fetched from the caIssuers URL of the certificate's AIA extension (the
 *     intermediate itself is then checked like any link of the chain, so this fetch needs no further trust).</li>
 * </ul>
 * A certificate that passed is kept (at most {@link #MAX_CACHED}, each for {@link #TTL}), and its dates are checked
 * again at every use. A fetch that fails is a {@link TransientFailure} (SNS or the network may be back soon);
 * anything else refused is a {@link PermanentFailure} saying what is wrong.
 */
public final class SigningCertificates {

    static final int MAX_CACHED = 64;
    static final Duration TTL = Duration.ofHours(1);
    static final int MAX_BYTES = 64 * 1024;
    /** Links fetched through AIA before giving up: Amazon's chains need one. */
    static final int MAX_AIA_FETCHES = 3;
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

    private final Pattern urlPattern;
    private final Set<TrustAnchor> anchors;
    private final List<X509Certificate> knownIntermediates;
    private final HttpClient http;
    private final Clock clock;
    private final Map<String, Cached> cache = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Cached> eldest) {
            return size() > MAX_CACHED;
        }
    };
    private final Map<String, X509Certificate> intermediatesByUrl = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, X509Certificate> eldest) {
            return size() > MAX_CACHED;
        }
    };

    private record Cached(X509Certificate certificate, Instant until) {
    }

    SigningCertificates(Pattern urlPattern, Set<TrustAnchor> anchors, List<X509Certificate> knownIntermediates,
            SSLContext tls, Clock clock) {
        this.urlPattern = urlPattern;
        this.anchors = anchors;
        this.knownIntermediates = knownIntermediates;
        this.clock = clock;
        this.http = HttpClient.newBuilder().sslContext(tls).connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /**
     * @param urlPattern {@code asger.sns.certificate-url-pattern}
     * @param caFile     {@code asger.sns.ca-file}: PEM certificates trusted beside the JDK's (roots and intermediates)
     */
    public static SigningCertificates create(Pattern urlPattern, Optional<Path> caFile, Clock clock)
            throws IOException, GeneralSecurityException {
        List<X509Certificate> extra = new ArrayList<>();
        if (caFile.isPresent()) {
            try (InputStream in = Files.newInputStream(caFile.get())) {
                for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                    extra.add((X509Certificate) c);
                }
            }
            if (extra.isEmpty()) {
                throw new GeneralSecurityException("no certificate in " + caFile.get());
            }
        }
        TrustManagerFactory jdk = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        jdk.init((KeyStore) null);
        X509TrustManager jdkTrust = null;
        for (var tm : jdk.getTrustManagers()) {
            if (tm instanceof X509TrustManager x) {
                jdkTrust = x;
            }
        }
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        Set<TrustAnchor> anchors = new HashSet<>();
        List<X509Certificate> intermediates = new ArrayList<>();
        int i = 0;
        for (X509Certificate root : jdkTrust == null ? new X509Certificate[0] : jdkTrust.getAcceptedIssuers()) {
            store.setCertificateEntry("jdk-" + i++, root);
            anchors.add(new TrustAnchor(root, null));
        }
        for (X509Certificate c : extra) {
            store.setCertificateEntry("ca-file-" + i++, c);
            if (c.getSubjectX500Principal().equals(c.getIssuerX500Principal())) {
                anchors.add(new TrustAnchor(c, null));
            } else {
                intermediates.add(c);
            }
        }
        TrustManagerFactory combined = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        combined.init(store);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, combined.getTrustManagers(), null);
        return new SigningCertificates(urlPattern, anchors, intermediates, tls, clock);
    }

    /**
     * The trusted certificate at {@code url}.
     *
     * @param what names the message in a refusal
     * @throws PermanentFailure the URL is not allowed, or the certificate is not trusted
     * @throws TransientFailure the certificate (or an intermediate) could not be fetched
     */
    public X509Certificate certificate(String url, String what) {
        URI uri = checkedUrl(url, what);
        Instant now = clock.instant();
        Cached cached;
        synchronized (cache) {
            cached = cache.get(url);
        }
        if (cached != null && now.isBefore(cached.until())) {
            checkDates(cached.certificate(), now, what);
            return cached.certificate();
        }
        // Fetched outside the lock: one slow fetch must not hold up messages signed with other certificates.
        List<X509Certificate> served = parse(fetch(uri, "SigningCertURL", what), url, what);
        X509Certificate leaf = served.get(0);
        checkDates(leaf, now, what);
        checkChain(leaf, served.subList(1, served.size()), now, what);
        synchronized (cache) {
            cache.put(url, new Cached(leaf, now.plus(TTL)));
        }
        return leaf;
    }

    URI checkedUrl(String url, String what) {
        if (url == null || url.isEmpty()) {
            throw new PermanentFailure(what + ": no SigningCertURL");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new PermanentFailure(what + ": SigningCertURL '" + url + "' is not a URL");
        }
        if (!"https".equals(uri.getScheme())) {
            throw new PermanentFailure(what + ": SigningCertURL '" + url + "' is not https; refused without fetching it");
        }
        if (uri.getRawUserInfo() != null || uri.getHost() == null || !urlPattern.matcher(url).matches()) {
            throw new PermanentFailure(what + ": SigningCertURL '" + url + "' does not match asger.sns.certificate-url-pattern ("
                    + urlPattern.pattern() + "); refused without fetching it");
        }
        return uri;
    }

    private byte[] fetch(URI uri, String name, String what) {
        HttpResponse<InputStream> response;
        try {
            response = http.send(HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT).GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new TransientFailure(what + ": cannot fetch the " + name + " " + uri + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransientFailure(what + ": interrupted while fetching " + uri);
        }
        try (InputStream body = response.body()) {
            if (response.statusCode() != 200) {
                throw new TransientFailure(what + ": the " + name + " " + uri + " answered HTTP " + response.statusCode());
            }
            byte[] bytes = body.readNBytes(MAX_BYTES + 1);
            if (bytes.length > MAX_BYTES) {
                throw new PermanentFailure(what + ": the " + name + " " + uri + " serves more than " + MAX_BYTES
                        + " bytes, which is no certificate");
            }
            return bytes;
        } catch (IOException e) {
            throw new TransientFailure(what + ": cannot read the " + name + " " + uri + ": " + e);
        }
    }

    private static List<X509Certificate> parse(byte[] bytes, String url, String what) {
        try {
            List<X509Certificate> certificates = new ArrayList<>();
            Collection<? extends Certificate> all = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(bytes));
            for (Certificate c : all) {
                certificates.add((X509Certificate) c);
            }
            if (certificates.isEmpty()) {
                throw new PermanentFailure(what + ": " + url + " holds no certificate");
            }
            return certificates;
        } catch (GeneralSecurityException e) {
            throw new PermanentFailure(what + ": " + url + " is not an X.509 certificate: " + e.getMessage());
        }
    }

    private static void checkDates(X509Certificate certificate, Instant now, String what) {
        try {
            certificate.checkValidity(Date.from(now));
        } catch (CertificateExpiredException e) {
            throw new PermanentFailure(what + ": the signing certificate " + subject(certificate) + " expired on "
                    + certificate.getNotAfter().toInstant());
        } catch (CertificateNotYetValidException e) {
            throw new PermanentFailure(what + ": the signing certificate " + subject(certificate) + " is not valid before "
                    + certificate.getNotBefore().toInstant());
        }
    }

    /** Builds a path from the leaf to a trust anchor, fetching missing intermediates through AIA caIssuers. */
    private void checkChain(X509Certificate leaf, List<X509Certificate> servedWithIt, Instant now, String what) {
        List<X509Certificate> pool = new ArrayList<>(knownIntermediates);
        pool.addAll(servedWithIt);
        synchronized (cache) {
            pool.addAll(intermediatesByUrl.values());
        }
        Set<String> tried = new HashSet<>();
        for (int fetches = 0; ; fetches++) {
            CertPathBuilderException failure;
            try {
                build(leaf, pool, now);
                return;
            } catch (CertPathBuilderException e) {
                failure = e;
            } catch (GeneralSecurityException e) {
                throw new PermanentFailure(what + ": cannot check the chain of " + subject(leaf) + ": " + e.getMessage());
            }
            Optional<String> next = nextIssuerUrl(leaf, pool, tried);
            if (next.isEmpty() || fetches >= MAX_AIA_FETCHES) {
                throw new PermanentFailure(what + ": the signing certificate " + subject(leaf) + " (issued by "
                        + leaf.getIssuerX500Principal().getName() + ") does not chain to a trusted root (JDK trust store"
                        + " and asger.sns.ca-file): " + failure.getMessage());
            }
            String url = next.get();
            tried.add(url);
            pool.addAll(intermediateAt(url, what));
        }
    }

    private void build(X509Certificate leaf, List<X509Certificate> pool, Instant now) throws GeneralSecurityException {
        X509CertSelector target = new X509CertSelector();
        target.setCertificate(leaf);
        PKIXBuilderParameters params = new PKIXBuilderParameters(anchors, target);
        List<Certificate> stored = new ArrayList<>(pool);
        stored.add(leaf);
        params.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(stored)));
        params.setDate(Date.from(now));
        // No CRL or OCSP lookups: they would add a network dependency to every certificate fetch; SNS signing
        // certificates are short-lived and only ever fetched from SNS itself.
        params.setRevocationEnabled(false);
        CertPathBuilder.getInstance("PKIX").build(params);
    }

    /** The caIssuers URL of the first certificate (leaf, then the pool) whose issuer is missing. */
    private Optional<String> nextIssuerUrl(X509Certificate leaf, List<X509Certificate> pool, Set<String> tried) {
        List<X509Certificate> chainSoFar = new ArrayList<>();
        chainSoFar.add(leaf);
        chainSoFar.addAll(pool);
        for (X509Certificate c : chainSoFar) {
            boolean issuerKnown = pool.stream().anyMatch(p -> p.getSubjectX500Principal().equals(c.getIssuerX500Principal()))
                    || anchors.stream().anyMatch(a -> a.getTrustedCert().getSubjectX500Principal()
                    .equals(c.getIssuerX500Principal()));
            if (issuerKnown) {
                continue;
            }
            for (String url : CaIssuers.of(c)) {
                String scheme = url.toLowerCase(Locale.ROOT);
                if ((scheme.startsWith("http://") || scheme.startsWith("https://")) && !tried.contains(url)) {
                    return Optional.of(url);
                }
            }
        }
        return Optional.empty();
    }

    private List<X509Certificate> intermediateAt(String url, String what) {
        X509Certificate known;
        synchronized (cache) {
            known = intermediatesByUrl.get(url);
        }
        if (known != null) {
            return List.of(known);
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new PermanentFailure(what + ": the caIssuers URL '" + url + "' is not a URL");
        }
        List<X509Certificate> fetched = parse(fetch(uri, "intermediate certificate (AIA caIssuers)", what), url, what);
        synchronized (cache) {
            intermediatesByUrl.put(url, fetched.get(0));
        }
        return fetched;
    }

    private static String subject(X509Certificate c) {
        return "'" + c.getSubjectX500Principal().getName() + "'";
    }
}
