package dev.bootline.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bootline.boot.ClientFacts.Protocol;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What each assignment means to PXE firmware and to iPXE, and the iPXE script bootline renders for it. */
class AssignmentPolicyTest {
  static final String MENU =
      BootPolicyTest.BASE
          + "http:\n  listen: [':8080']\n"
          + "proxy-dhcp:\n  menu:\n    prompt: p\n    items: [{label: iPXE, boot: ipxe}, {label: disk, boot: local}]\n";

  static Assignment.Source only(Assignment a) {
    return mac -> mac.equals(BootPolicyTest.MAC) ? Optional.of(a) : Optional.empty();
  }

  static ClientFacts ipxe() {
    return BootPolicyTest.facts(Protocol.DHCP6, "PXEClient:Arch:00007:UNDI:003010", true, true, 7);
  }

  static ClientFacts pxe() {
    return BootPolicyTest.facts(Protocol.DHCP4_PROXY, "PXEClient:Arch:00007:UNDI:003016", false, true, 7);
  }

  @Test
  void ipxeWithAScriptKernelOrLocalAssignmentIsPointedAtBootlinesRenderedScript() throws Exception {
    BootPolicy pol = BootPolicyTest.policy(MENU);
    for (Assignment a :
        new Assignment[] {
          new Assignment.Script("#!ipxe\necho hi\n"),
          new Assignment.Kernel("http://x/vmlinuz", Optional.empty(), ""),
          new Assignment.Local()
        }) {
      BootPlan p = pol.decide(ipxe(), only(a));
      assertThat(p).as(a.toString()).isInstanceOf(BootPlan.HttpUrl.class);
      assertThat(((BootPlan.HttpUrl) p).url()).isEqualTo("http://[2001:db8:1::1]:8080/mac/52:54:00:12:34:56/boot.ipxe");
      assertThat(p.event()).isEqualTo("point_ipxe_to_http_boot");
    }
  }

  @Test
  void ipxeWithAChainAssignmentIsPointedStraightAtTheUrl() throws Exception {
    BootPlan p = BootPolicyTest.policy(MENU).decide(ipxe(), only(new Assignment.ChainUrl("http://other/boot.ipxe")));
    assertThat(((BootPlan.HttpUrl) p).url()).isEqualTo("http://other/boot.ipxe");
  }

  @Test
  void pxeFirmwareWithAScriptAssignmentIsStillChainedToIpxeFirst() throws Exception {
    BootPlan p = BootPolicyTest.policy(MENU).decide(pxe(), only(new Assignment.Script("#!ipxe\nexit\n")));
    assertThat(p).isInstanceOf(BootPlan.TftpFile.class);
    assertThat(p.event()).isEqualTo("point_pxe_to_ipxe_over_tftp");
  }

  @Test
  void menuItemAssignmentSkipsTheMenuAndBootsThatItem() throws Exception {
    BootPolicy pol = BootPolicyTest.policy(MENU);
    ClientFacts bios = BootPolicyTest.facts(Protocol.DHCP4_PROXY, "PXEClient:Arch:00000:UNDI:002001", false, true, 0);
    assertThat(pol.decide(bios, Assignment.Source.NONE)).isInstanceOf(BootPlan.Menu.class);
    assertThat(pol.decide(bios, only(new Assignment.MenuItem(1)))).isInstanceOf(BootPlan.LocalBoot.class);
    BootPlan first = pol.decide(bios, only(new Assignment.MenuItem(0)));
    assertThat(((BootPlan.TftpFile) first).path()).isEqualTo("52:54:00:12:34:56/undionly.kpxe");
    assertThat(pol.decide(bios, only(new Assignment.MenuItem(7))).reason()).contains("not an item of the configured menu");
  }

  @Test
  void menuItemWithoutAMenuIsAnExplainedIgnore() throws Exception {
    BootPlan p = BootPolicyTest.policy(BootPolicyTest.BASE).decide(pxe(), only(new Assignment.MenuItem(0)));
    assertThat(p).isInstanceOf(BootPlan.Ignore.class);
    assertThat(p.reason()).contains("no menu is configured");
  }

  @Test
  void otherMachinesAreUnaffected() throws Exception {
    ClientFacts other =
        new ClientFacts(Protocol.DHCP6, dev.bootline.wire.MacAddress.parse("52:54:00:00:00:01").orElseThrow(), "t",
            java.util.List.of(new Arch(7)), Optional.of("PXEClient"), true, true, java.util.OptionalInt.empty(), "br0",
            Optional.of("[2001:db8:1::1]"));
    BootPlan p = BootPolicyTest.policy(MENU).decide(other, only(new Assignment.Ignore()));
    assertThat(((BootPlan.HttpUrl) p).url()).isEqualTo("http://[2001:db8:1::1]/mac/52:54:00:00:00:01/boot.ipxe");
  }

  @Test
  void renderedScripts() {
    assertThat(BootPolicy.ipxeScript(new Assignment.Kernel("http://h/vmlinuz", Optional.of("http://h/initrd.img"), "console=ttyS0 quiet")))
        .contains("#!ipxe\nkernel http://h/vmlinuz console=ttyS0 quiet\ninitrd http://h/initrd.img\nboot\n");
    assertThat(BootPolicy.ipxeScript(new Assignment.ChainUrl("http://h/x"))).contains("#!ipxe\nchain http://h/x\n");
    assertThat(BootPolicy.ipxeScript(new Assignment.Local())).contains("#!ipxe\nexit\n");
    assertThat(BootPolicy.ipxeScript(new Assignment.Script("#!ipxe\nshell"))).contains("#!ipxe\nshell\n");
    assertThat(BootPolicy.ipxeScript(new Assignment.Ignore())).isEmpty();
    assertThat(BootPolicy.ipxeScript(new Assignment.MenuItem(0))).isEmpty();
  }
}
