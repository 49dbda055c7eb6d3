package dev.bootline.lab;

/** A network namespace created by a {@link Lab}; {@code name} is what {@code ip netns} shows. */
public record Netns(String name) {
  @Override
  public String toString() {
    return name;
  }
}
