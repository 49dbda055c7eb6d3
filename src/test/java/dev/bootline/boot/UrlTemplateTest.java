package dev.bootline.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class UrlTemplateTest {
  @Test
  void rendersDhcpv6macdFields() {
    UrlTemplate t = UrlTemplate.parse("http://[{{.BaseAddress}}]/mac/{{ .MAC }}/boot.ipxe?p={{.Payload}}");
    String url = t.render(new UrlTemplate.Values("52:54:00:12:34:56", "2001:db8:1::", List.of(Arch.X86_64_HTTP)));
    assertThat(url).startsWith("http://[2001:db8:1::]/mac/52:54:00:12:34:56/boot.ipxe?p=");
    URI.create(url); // parses as a URI
    String p = URLDecoder.decode(url.substring(url.indexOf("?p=") + 3), StandardCharsets.UTF_8);
    // dhcpv6macd's README example payload for an x64 HTTP-boot client
    assertThat(p).isEqualTo("eyJhcmNoaXRlY3R1cmVzIjpbIkVGSSB4ODYtNjQgYm9vdCBmcm9tIEhUVFAiXX0=");
    assertThat(new String(Base64.getDecoder().decode(p), StandardCharsets.UTF_8))
        .isEqualTo("{\"architectures\":[\"EFI x86-64 boot from HTTP\"]}");
  }

  @Test
  void serverAddressIsTheLinkAddressInEitherFamily() {
    UrlTemplate t = UrlTemplate.parse("http://{{.ServerAddress}}/mac/{{.MAC}}/boot.ipxe");
    assertThat(t.render(new UrlTemplate.Values("52:54:00:12:34:56", "", List.of(), "192.0.2.1")))
        .isEqualTo("http://192.0.2.1/mac/52:54:00:12:34:56/boot.ipxe");
    assertThat(t.render(new UrlTemplate.Values("52:54:00:12:34:56", "", List.of(), "[2001:db8:1::1]")))
        .isEqualTo("http://[2001:db8:1::1]/mac/52:54:00:12:34:56/boot.ipxe");
  }

  @Test
  void payloadIsUrlSafe() {
    // enough architectures to make base64 produce '+' or '/' somewhere
    String enc = UrlTemplate.payload(List.of(new Arch(7), new Arch(9), new Arch(11), new Arch(16), new Arch(19)));
    assertThat(enc).doesNotContain("+", "/", "=");
  }

  @Test
  void rejectsUnknownFieldsAndNonHttp() {
    assertThatThrownBy(() -> UrlTemplate.parse("http://x/{{.Mac}}")).hasMessageContaining("unknown template field '.Mac'");
    assertThatThrownBy(() -> UrlTemplate.parse("http://x/{{printf \"%s\" .MAC}}")).hasMessageContaining("unsupported template action");
    assertThatThrownBy(() -> UrlTemplate.parse("http://x/{{.MAC")).hasMessageContaining("unbalanced");
    assertThatThrownBy(() -> UrlTemplate.parse("ftp://x/{{.MAC}}")).hasMessageContaining("http:// or https://");
  }

  @Test
  void serverAddressMustBeTheWholeHost() {
    // found by UrlTemplateFuzzTarget: "{{.ServerAddress}}0" is host 192.0.2.10 for 192.0.2.1 and no host for 192.0.2.52
    assertThatThrownBy(() -> UrlTemplate.parse("http://{{.ServerAddress}}0/mac")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> UrlTemplate.parse("http://{{.ServerAddress}}.nip.io/")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> UrlTemplate.parse("http://boot-{{.ServerAddress}}/")).isInstanceOf(IllegalArgumentException.class);
    UrlTemplate ok = UrlTemplate.parse("https://{{.ServerAddress}}:8443/mac/{{.MAC}}?s={{.ServerAddress}}");
    assertThat(ok.render(new UrlTemplate.Values("52:54:00:12:34:56", "", List.of(), "192.0.2.52")))
        .isEqualTo("https://192.0.2.52:8443/mac/52:54:00:12:34:56?s=192.0.2.52");
    // a fixed host that happens to contain the sample server address is not glued to the field
    assertThat(UrlTemplate.parse("http://192.0.2.10/mac/{{.MAC}}").render(
            new UrlTemplate.Values("52:54:00:12:34:56", "", List.of(), "192.0.2.1")))
        .isEqualTo("http://192.0.2.10/mac/52:54:00:12:34:56");
    assertThat(UrlTemplate.parse("http://[2001:db8::10]/{{.MAC}}")).isNotNull();
  }

  @Test
  void archFamiliesTreatSevenAndNineAlike() {
    assertThat(new Arch(7).family()).isEqualTo(Arch.Family.X86_64_EFI);
    assertThat(new Arch(9).family()).isEqualTo(Arch.Family.X86_64_EFI);
    assertThat(new Arch(0).family()).isEqualTo(Arch.Family.BIOS);
    assertThat(Arch.fromVendorClass("PXEClient:Arch:00007:UNDI:003016")).contains(new Arch(7));
    assertThat(Arch.fromVendorClass("HTTPClient:Arch:00016")).contains(new Arch(16));
    assertThat(Arch.fromVendorClass("PXEClient")).isEmpty();
    assertThat(Arch.fromVendorClass("PXEClient:Arch:0x007")).isEmpty();
  }
}
