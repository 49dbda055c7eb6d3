package dev.bootline.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Replays every fuzz target's corpus as plain unit tests: each class under test-classes named {@code *FuzzTarget}
 * with a static {@code fuzzerTestOneInput(byte[])} is run over {@code src/test/resources/fuzz/<SimpleName>/} (seeds
 * and crash inputs found by Jazzer, kept as regression inputs). {@code scripts/fuzz} runs the same targets under
 * Jazzer for a bounded time.
 */
class FuzzRegressionTest {

  @TestFactory
  Stream<DynamicTest> everyCorpusInputPasses() throws IOException {
    Path classes = Paths.get("target", "test-classes");
    List<String> targets;
    try (Stream<Path> s = Files.walk(classes)) {
      targets =
          s.map(p -> classes.relativize(p).toString())
              .filter(n -> n.endsWith("FuzzTarget.class"))
              .map(n -> n.substring(0, n.length() - ".class".length()).replace('/', '.'))
              .sorted()
              .toList();
    }
    List<DynamicTest> tests = new ArrayList<>();
    for (String className : targets) {
      String simple = className.substring(className.lastIndexOf('.') + 1);
      Path corpus = Paths.get("src", "test", "resources", "fuzz", simple);
      tests.add(
          DynamicTest.dynamicTest(
              simple,
              () -> {
                Method m = Class.forName(className).getMethod("fuzzerTestOneInput", byte[].class);
                assertThat(Files.isDirectory(corpus)).as("corpus dir " + corpus).isTrue();
                List<Path> inputs;
                try (Stream<Path> s = Files.list(corpus)) {
                  inputs = s.filter(Files::isRegularFile).sorted().toList();
                }
                assertThat(inputs).as("inputs in " + corpus).isNotEmpty();
                for (Path input : inputs) {
                  try {
                    m.invoke(null, (Object) Files.readAllBytes(input));
                  } catch (InvocationTargetException e) {
                    throw new AssertionError("fuzz input " + input + " fails " + simple, e.getCause());
                  }
                }
              }));
    }
    return tests.stream();
  }
}
