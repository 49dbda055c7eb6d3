package dev.bootline.lab;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/** See {@link LabTest}. */
public final class LabExtension
    implements BeforeAllCallback, BeforeEachCallback, ParameterResolver, AfterEachCallback {
  private static final ExtensionContext.Namespace STORE = ExtensionContext.Namespace.create(LabExtension.class);

  /** True when a missing prerequisite must fail the build instead of skipping (CI). */
  public static boolean labRequired() {
    return Boolean.parseBoolean(System.getProperty("bootline.lab.required", "false"));
  }

  /** Probes the machine once per class; the verdict is applied to each test in {@link #beforeEach}. */
  @Override
  public void beforeAll(ExtensionContext context) {
    Set<Requirement> needed = new LinkedHashSet<>(List.of(Requirement.ROOT, Requirement.IP, Requirement.NETNS));
    LabTest annotation = context.getRequiredTestClass().getAnnotation(LabTest.class);
    if (annotation != null) {
      needed.addAll(List.of(annotation.value()));
    }
    context.getStore(STORE).put(Requirement.class, List.copyOf(Requirement.missing(new ArrayList<>(needed))));
  }

  /**
   * Per test rather than per class: Surefire/Failsafe reports a class-level skip as "Tests run: 0" without the
   * reason, while a skipped test shows its reason in the report.
   */
  @Override
  public void beforeEach(ExtensionContext context) {
    @SuppressWarnings("unchecked")
    List<String> reasons = (List<String>) context.getStore(STORE).get(Requirement.class, List.class);
    if (reasons == null || reasons.isEmpty()) {
      return;
    }
    String message = "lab prerequisites missing: " + String.join("; ", reasons);
    if (labRequired()) {
      throw new AssertionError(message + " (bootline.lab.required=true: CI must not skip lab tests)");
    }
    Assumptions.abort(message + " (lab tests skipped; -Dbootline.lab.required=true makes this a failure)");
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == Lab.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    String name = context.getRequiredTestClass().getSimpleName() + "."
        + context.getTestMethod().map(m -> m.getName()).orElse("all");
    Lab lab = Lab.create(name);
    context.getStore(STORE).put(Lab.class, lab);
    return lab;
  }

  @Override
  public void afterEach(ExtensionContext context) {
    Lab lab = context.getStore(STORE).remove(Lab.class, Lab.class);
    if (lab != null) {
      lab.close();
    }
  }
}
