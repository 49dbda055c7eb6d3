package dev.bootline.http;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A PEM certificate chain and private key as an in-memory PKCS#12 {@link KeyStore} for Jetty. Keys: PKCS#8 ({@code
 * BEGIN PRIVATE KEY}, RSA, EC, Ed25519 — what {@code openssl req -newkey} and certbot write) and PKCS#1 RSA ({@code
 * BEGIN RSA PRIVATE KEY}). SEC1 EC keys and encrypted keys are refused with a hint how to convert them.
 */
public final class PemKeyStore {
  public static final String ALIAS = "bootline";
  /** The in-memory store's password; it never touches disk. */
  static final char[] PASSWORD = "bootline".toCharArray();

  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]+?)-----END \\1-----");

  private PemKeyStore() {}

  /** What was loaded: the store and the leaf certificate (for logs and tests). */
  public record Loaded(KeyStore keyStore, X509Certificate leaf) {}

  public static Loaded load(Path certFile, Path keyFile) throws IOException, GeneralSecurityException {
    return parse(Files.readString(certFile, StandardCharsets.US_ASCII), Files.readString(keyFile, StandardCharsets.US_ASCII));
  }

  /** Parses PEM text; throws with a message naming the problem (no certificate, key does not match, ...). */
  public static Loaded parse(String certPem, String keyPem) throws GeneralSecurityException {
    List<X509Certificate> chain = new ArrayList<>();
    CertificateFactory cf = CertificateFactory.getInstance("X.509");
    for (Block b : blocks(certPem)) {
      if (b.type.equals("CERTIFICATE")) {
        chain.add((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(b.der)));
      }
    }
    if (chain.isEmpty()) {
      throw new GeneralSecurityException("no CERTIFICATE block in the certificate file");
    }
    PrivateKey key = null;
    for (Block b : blocks(keyPem)) {
      key =
          switch (b.type) {
            case "PRIVATE KEY" -> pkcs8(b.der);
            case "RSA PRIVATE KEY" ->
                KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(rsaPkcs1ToPkcs8(b.der)));
            case "EC PRIVATE KEY" ->
                throw new GeneralSecurityException(
                    "SEC1 EC key: convert it with openssl pkcs8 -topk8 -nocrypt -in key.pem -out key8.pem");
            case "ENCRYPTED PRIVATE KEY" ->
                throw new GeneralSecurityException("encrypted private keys are not supported");
            default -> null;
          };
      if (key != null) {
        break;
      }
    }
    if (key == null) {
      throw new GeneralSecurityException("no PRIVATE KEY block in the key file");
    }
    X509Certificate leaf = chain.getFirst();
    if (!matches(key, leaf.getPublicKey())) {
      throw new GeneralSecurityException("the private key does not belong to the certificate " + leaf.getSubjectX500Principal());
    }
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try {
      ks.load(null, null);
    } catch (IOException e) {
      throw new GeneralSecurityException(e);
    }
    ks.setKeyEntry(ALIAS, key, PASSWORD, chain.toArray(Certificate[]::new));
    return new Loaded(ks, leaf);
  }

  private record Block(String type, byte[] der) {}

  private static List<Block> blocks(String pem) throws GeneralSecurityException {
    List<Block> out = new ArrayList<>();
    Matcher m = BLOCK.matcher(pem);
    while (m.find()) {
      try {
        out.add(new Block(m.group(1), Base64.getMimeDecoder().decode(m.group(2))));
      } catch (IllegalArgumentException e) {
        throw new GeneralSecurityException("bad base64 in a " + m.group(1) + " block");
      }
    }
    return out;
  }

  private static PrivateKey pkcs8(byte[] der) throws GeneralSecurityException {
    GeneralSecurityException last = null;
    for (String alg : List.of("RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS")) {
      try {
        return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        last = e;
      }
    }
    throw new GeneralSecurityException("unsupported PKCS#8 private key", last);
  }

  /** Proves the key and certificate belong together by signing and verifying a challenge. */
  private static boolean matches(PrivateKey key, PublicKey pub) throws GeneralSecurityException {
    String alg =
        switch (key.getAlgorithm()) {
          case "RSA" -> "SHA256withRSA";
          case "EC" -> "SHA256withECDSA";
          case "Ed25519", "Ed448", "EdDSA" -> key.getAlgorithm();
          case "RSASSA-PSS" -> null;
          default -> null;
        };
    if (alg == null) {
      return true; // cannot check cheaply; the TLS handshake will fail visibly instead
    }
    byte[] challenge = "bootline key check".getBytes(StandardCharsets.US_ASCII);
    Signature s = Signature.getInstance(alg);
    s.initSign(key);
    s.update(challenge);
    byte[] sig = s.sign();
    Signature v = Signature.getInstance(alg);
    try {
      v.initVerify(pub);
    } catch (java.security.InvalidKeyException e) {
      return false; // e.g. an EC key with an RSA certificate
    }
    v.update(challenge);
    return v.verify(sig);
  }

  /** Wraps a PKCS#1 RSAPrivateKey in a PKCS#8 PrivateKeyInfo (version 0, rsaEncryption, NULL params). */
  static byte[] rsaPkcs1ToPkcs8(byte[] pkcs1) {
    byte[] algId = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};
    byte[] version = {0x02, 0x01, 0x00};
    byte[] octet = der(0x04, pkcs1);
    byte[] body = new byte[version.length + algId.length + octet.length];
    System.arraycopy(version, 0, body, 0, version.length);
    System.arraycopy(algId, 0, body, version.length, algId.length);
    System.arraycopy(octet, 0, body, version.length + algId.length, octet.length);
    return der(0x30, body);
  }

  private static byte[] der(int tag, byte[] content) {
    int n = content.length;
    byte[] len;
    if (n < 0x80) {
      len = new byte[] {(byte) n};
    } else if (n < 0x100) {
      len = new byte[] {(byte) 0x81, (byte) n};
    } else if (n < 0x10000) {
      len = new byte[] {(byte) 0x82, (byte) (n >> 8), (byte) n};
    } else {
      len = new byte[] {(byte) 0x83, (byte) (n >> 16), (byte) (n >> 8), (byte) n};
    }
    byte[] out = new byte[1 + len.length + n];
    out[0] = (byte) tag;
    System.arraycopy(len, 0, out, 1, len.length);
    System.arraycopy(content, 0, out, 1 + len.length, n);
    return out;
  }
}
