package dev.ingest.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * ingest-bom has no parent (so that ingest-parent's own dependency management does not reach
 * the projects that import it), which leaves its versions written out twice, and the README and
 * the embedded-training example name its version: these tests fail when any of them drifts from
 * the reactor's, or when a library module is missing from the BOM.
 */
class BomTest {
  // Surefire runs in the module's folder; the poms are at the repository root and beside it.
  private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
  // Applications, not libraries: ingest-cli's jar has its dependencies shaded in.
  private static final Set<String> NOT_EMBEDDED = Set.of("ingest-bom", "ingest-cli", "benchmarks");

  private final Element parent = pom(ROOT.resolve("pom.xml"));
  private final Element bom = pom(ROOT.resolve("ingest-bom/pom.xml"));

  @Test
  void theBomHasNoParentAndTheReactorsVersion() {
    assertThat(child(bom, "parent")).isNull();
    assertThat(text(bom, "groupId")).isEqualTo(text(parent, "groupId"));
    assertThat(text(bom, "version")).isEqualTo(text(parent, "version"));
  }

  @Test
  void theBomManagesEveryLibraryModuleAtTheProjectVersion() {
    List<String> libraries = new ArrayList<>();
    for (Element module : children(child(parent, "modules"), "module")) {
      if (!NOT_EMBEDDED.contains(module.getTextContent().trim())) {
        libraries.add(module.getTextContent().trim());
      }
    }
    List<String> managed = new ArrayList<>();
    for (Element dependency : managedDependencies(bom)) {
      if (text(dependency, "groupId").equals(text(parent, "groupId"))) {
        managed.add(text(dependency, "artifactId"));
        assertThat(text(dependency, "version")).isEqualTo("${project.version}");
      }
    }
    assertThat(libraries).isNotEmpty();
    assertThat(managed).containsExactlyInAnyOrderElementsOf(libraries);
  }

  @Test
  void theBomPinsTheThirdPartyVersionsTheBuildUses() {
    for (String property : List.of("tensorflow.version", "protobuf.version")) {
      assertThat(text(child(bom, "properties"), property))
          .as(property)
          .isEqualTo(text(child(parent, "properties"), property));
    }
  }

  @Test
  void theEmbeddedTrainingExampleImportsThisVersionOfTheBom() {
    Element example = pom(ROOT.resolve("examples/embedded-training/pom.xml"));
    assertThat(child(example, "parent")).isNull();
    assertThat(text(child(example, "properties"), "ingest.version"))
        .isEqualTo(text(parent, "version"));
    assertThat(managedDependencies(example))
        .anySatisfy(dependency -> {
          assertThat(text(dependency, "artifactId")).isEqualTo("ingest-bom");
          assertThat(text(dependency, "version")).isEqualTo("${ingest.version}");
          assertThat(text(dependency, "scope")).isEqualTo("import");
        });
  }

  @Test
  void theReadmeImportsThisVersionOfTheBom() throws IOException {
    String readme = Files.readString(ROOT.resolve("README.md"));
    assertThat(readme).contains("<artifactId>ingest-bom</artifactId>\n      <version>"
        + text(parent, "version") + "</version>");
  }

  private static List<Element> managedDependencies(Element project) {
    return children(child(child(project, "dependencyManagement"), "dependencies"), "dependency");
  }

  private static Element pom(Path file) {
    try {
      Document document = DocumentBuilderFactory.newInstance().newDocumentBuilder()
          .parse(file.toFile());
      return document.getDocumentElement();
    } catch (Exception e) {
      throw new AssertionError("cannot read " + file, e);
    }
  }

  /** The first child element named {@code name}, or null. */
  private static Element child(Element element, String name) {
    List<Element> found = children(element, name);
    return found.isEmpty() ? null : found.get(0);
  }

  private static List<Element> children(Element element, String name) {
    List<Element> found = new ArrayList<>();
    NodeList nodes = element.getChildNodes();
    for (int i = 0; i < nodes.getLength(); i++) {
      Node node = nodes.item(i);
      if (node instanceof Element child && child.getTagName().equals(name)) {
        found.add(child);
      }
    }
    return found;
  }

  private static String text(Element element, String name) {
    Element child = child(element, name);
    return child == null ? null : child.getTextContent().trim();
  }
}
