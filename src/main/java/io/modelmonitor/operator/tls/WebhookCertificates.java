package io.modelmonitor.operator.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.modelmonitor.operator.config.OperatorConfig;

/**
 * The admission webhook's serving certificate. Self-managed (the default): a CA and a certificate for the webhook
 * Service's DNS names, kept in a Secret in the operator's namespace, renewed when less than a third of its life
 * is left, with the CA put into the MutatingWebhookConfiguration's caBundle whenever it differs (so a rotation, or
 * a chart upgrade that rewrote the configuration, is repaired by any replica within an hour). With cert-manager,
 * the Secret comes from its Certificate and its CA injector keeps the caBundle; the operator only reads it. A renewal
 * keeps the previous CA in the bundle beside the new one, so replicas that still serve the old certificate until their
 * next check are trusted meanwhile. With {@code modelmonitor.verdict.tls} the same certificate names the verdict API's
 * Service too, and a certificate without a name it needs is issued again.
 */
public final class WebhookCertificates {

    /** The PEMs the webhook serves with, and the CA that signed them. */
    public record Material(String certificate, String key, String ca, Instant notAfter) {
    }

    static final Duration LIFETIME = Duration.ofDays(365);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final KubernetesClient client;
    private final String namespace;
    private final OperatorConfig.Webhook config;
    /** The Services whose DNS names the certificate must carry. */
    private final List<String> services;

    public WebhookCertificates(KubernetesClient client, String namespace, OperatorConfig.Webhook config) {
        this(client, namespace, config, List.of(config.service()));
    }

    public WebhookCertificates(KubernetesClient client, String namespace, OperatorConfig.Webhook config, List<String> services) {
        this.client = client;
        this.namespace = namespace;
        this.config = config;
        this.services = List.copyOf(services);
    }

    /** The webhook's Service, and the verdict API's when it serves TLS: every server of the operator asks the same. */
    /**
     * The operator's certificates, as both its servers use them: kept in its own namespace (the configured one, else
     * the client's), naming every Service that serves with them.
     */
    public static WebhookCertificates of(KubernetesClient client, OperatorConfig config) {
        String namespace = config.webhook().namespace()
                .orElseGet(() -> client.getNamespace() == null ? "default" : client.getNamespace());
        return new WebhookCertificates(client, namespace, config.webhook(), services(config));
    }

    public static List<String> services(OperatorConfig config) {
        return config.verdict().tls() ? List.of(config.webhook().service(), config.verdict().service())
                : List.of(config.webhook().service());
    }

    /** The DNS names a Service is called by, in-cluster. */
    private List<String> names(String service) {
        String fqdn = service + "." + namespace + ".svc";
        return List.of(fqdn, fqdn + ".cluster.local", service + "." + namespace);
    }

    /** Whether the certificate carries every name it must (a verdict Service added later needs a new one). */
    boolean covers(Material material) {
        try {
            X509Certificate x509 = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(
                    new ByteArrayInputStream(material.certificate().getBytes(StandardCharsets.UTF_8)));
            Set<String> dns = new HashSet<>();
            if (x509.getSubjectAlternativeNames() != null) {
                x509.getSubjectAlternativeNames().forEach(n -> dns.add(String.valueOf(n.get(1))));
            }
            return services.stream().allMatch(s -> dns.containsAll(names(s)));
        } catch (CertificateException e) {
            return false;
        }
    }

    /** The current material: read, and (self-managed) created or renewed when missing or due, and the caBundle set. */
    public Material ensure(Instant now) {
        Secret secret = client.secrets().inNamespace(namespace).withName(config.secret()).get();
        Material material = secret == null ? null : read(secret);
        if (config.certManager()) {
            if (material == null) {
                throw new IllegalStateException("Secret " + namespace + "/" + config.secret() + " holds no certificate "
                        + "yet (cert-manager issues it)");
            }
            return material;
        }
        if (material == null || due(material, now) || !covers(material)) {
            Material previous = material;
            material = issue(now);
            if (previous != null) {
                // Both CAs trusted until the next renewal: replicas still serving the old certificate (until their
                // hourly check) keep being called.
                material = new Material(material.certificate(), material.key(), material.ca() + firstPem(previous.ca()),
                        material.notAfter());
            }
            Secret next = new SecretBuilder().withNewMetadata().withName(config.secret()).withNamespace(namespace)
                    .addToLabels("app.kubernetes.io/managed-by", "model-monitor").endMetadata()
                    .withType("kubernetes.io/tls")
                    .addToData("tls.crt", b64(material.certificate())).addToData("tls.key", b64(material.key()))
                    .addToData("ca.crt", b64(material.ca())).build();
            try {
                if (secret == null) {
                    client.resource(next).create();
                } else {
                    next.getMetadata().setResourceVersion(secret.getMetadata().getResourceVersion());
                    client.resource(next).update();
                }
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409) {
                    throw e;
                }
                // Another replica renewed it first: serve what it wrote.
                material = read(client.secrets().inNamespace(namespace).withName(config.secret()).get());
            }
        }
        caBundle(material.ca());
        return material;
    }

    /** Less than a third of its life left (or unreadable): renew. */
    public static boolean due(Material material, Instant now) {
        return material.notAfter().minus(LIFETIME.dividedBy(3)).isBefore(now);
    }

    public void caBundle(String ca) {
        String bundle = b64(ca);
        // Every replica does this at start: two starting together conflict (409) on the same write, seen on a real
        // API server; read again and see whether the other one already wrote it.
        for (int attempt = 1;; attempt++) {
            var configuration = client.admissionRegistration().v1().mutatingWebhookConfigurations()
                    .withName(config.configuration()).get();
            if (configuration == null) {
                return; // not installed (webhook injection off): nothing to keep current
            }
            boolean current = configuration.getWebhooks().stream()
                    .allMatch(w -> w.getClientConfig() != null && bundle.equals(w.getClientConfig().getCaBundle()));
            if (current) {
                return;
            }
            try {
                client.admissionRegistration().v1().mutatingWebhookConfigurations().withName(config.configuration())
                        .edit(c -> {
                            c.getWebhooks().forEach(w -> w.getClientConfig().setCaBundle(bundle));
                            return c;
                        });
                return;
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409 || attempt >= 5) {
                    throw e;
                }
            }
        }
    }

    private static Material read(Secret secret) {
        Map<String, String> data = secret.getData();
        if (data == null || data.get("tls.crt") == null || data.get("tls.key") == null) {
            return null;
        }
        String cert = unb64(data.get("tls.crt"));
        String ca = data.get("ca.crt") == null ? cert : unb64(data.get("ca.crt"));
        try {
            X509Certificate x509 = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(cert.getBytes(StandardCharsets.UTF_8)));
            return new Material(cert, unb64(data.get("tls.key")), ca, x509.getNotAfter().toInstant());
        } catch (CertificateException e) {
            return null;
        }
    }

    /** A new CA and a certificate it signs for the webhook Service's names. */
    Material issue(Instant now) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(256, RANDOM);
            KeyPair caKeys = generator.generateKeyPair();
            KeyPair keys = generator.generateKeyPair();
            Date from = Date.from(now.minus(Duration.ofMinutes(5)));
            Date to = Date.from(now.plus(LIFETIME));
            X500Name caName = new X500Name("CN=model-monitor webhook CA " + now.getEpochSecond());
            var caBuilder = new JcaX509v3CertificateBuilder(caName, serial(), from, to, caName, caKeys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            X509Certificate ca = sign(caBuilder.build(signer(caKeys)));
            String service = config.service() + "." + namespace + ".svc";
            GeneralName[] names = services.stream().flatMap(s -> names(s).stream())
                    .map(n -> new GeneralName(GeneralName.dNSName, n)).toArray(GeneralName[]::new);
            var leafBuilder = new JcaX509v3CertificateBuilder(caName, serial(), from, to, new X500Name("CN=" + service),
                    keys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
                    .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
            X509Certificate leaf = sign(leafBuilder.build(signer(caKeys)));
            return new Material(pem(leaf), pem(new JcaPKCS8Generator(keys.getPrivate(), null)),
                    pem(ca), leaf.getNotAfter().toInstant());
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot issue the webhook's certificate", e);
        }
    }

    /** The first certificate of a PEM bundle (the newest CA: a renewal puts it first). */
    public static String firstPem(String bundle) {
        String end = "-----END CERTIFICATE-----";
        int at = bundle.indexOf(end);
        return at < 0 ? bundle : bundle.substring(0, at + end.length()) + "\n";
    }

    private static ContentSigner signer(KeyPair keys) throws OperatorCreationException {
        return new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate());
    }

    private static X509Certificate sign(X509CertificateHolder holder) throws CertificateException {
        return new JcaX509CertificateConverter().getCertificate(holder);
    }

    private static BigInteger serial() {
        return new BigInteger(64, RANDOM);
    }

    private static String pem(Object object) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(object);
        }
        return out.toString();
    }

    private static String b64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String unb64(String text) {
        return new String(Base64.getDecoder().decode(text), StandardCharsets.UTF_8);
    }
}
