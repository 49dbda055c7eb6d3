package dev.bootline.boot;

/**
 * An operator's per-machine override of the default policy (set through the admin API, persisted in the state dir).
 */
public sealed interface Assignment {
  /** Never answer this machine. */
  record Ignore() implements Assignment {}

  /** Boot from local disk (PXE clients are told so; iPXE gets an {@code exit} script). */
  record Local() implements Assignment {}

  /** Chain iPXE to this URL instead of the template. */
  record ChainUrl(String url) implements Assignment {}

  /** Lookup by MAC; the policy only reads it. */
  @FunctionalInterface
  interface Source {
    java.util.Optional<Assignment> forMac(dev.bootline.wire.MacAddress mac);

    Source NONE = mac -> java.util.Optional.empty();
  }
}
