package io.github.stad.engine.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

class EvaluationReportTest {

	private static final double EPS = 1e-12;
	private static final boolean T = true, F = false;

	@BeforeAll
	static void headless() {
		System.setProperty("java.awt.headless", "true");
	}

	/**
	 * Two defect types and one good image, all 2x1, the defect on the left pixel.
	 *
	 * <pre>
	 * G (good)  0.2  0.3
	 * C (crack) 0.9  0.1     mask T F
	 * H (hole)  0.25 0.1     mask T F
	 *
	 * crack = {C, G}: normals 0.1 0.2 0.3, defect 0.9 -> pixel AUROC 1; image: C 0.9 > G 0.3 -> 1;
	 *   curve (0,0) (0,1) ... -> AU-PRO 1
	 * hole = {H, G}: defect 0.25 beats 0.1 and 0.2, not 0.3 -> pixel AUROC 2/3; image: H 0.25 < G 0.3 -> 0;
	 *   curve (0,0) 0.3:(1/3,0) 0.25:(1/3,1) ... ; AU-PRO up to 0.3: 0
	 * overall: normals 0.1 0.1 0.2 0.3 (N = 4), defects 0.9 (beats 4) and 0.25 (beats 3) -> 7/8;
	 *   image: C 0.9, H 0.25 vs G 0.3 -> 1/2
	 *   curve (0,0); 0.9 (0,1/2); 0.3 (1/4,1/2); 0.25 (1/4,1); 0.2 (1/2,1); 0.1 (1,1)
	 *   AU-PRO up to 0.3: 0.25 * 1/2 + 0.05 * 1 = 0.175; / 0.3 = 7/12
	 * </pre>
	 */
	static List<ScoredImage> threeImages() {
		return List.of(
				new ScoredImage("G", "good", 2, 1, new float[] { 0.2f, 0.3f }, null),
				new ScoredImage("C", "crack", 2, 1, new float[] { 0.9f, 0.1f }, new boolean[] { T, F }),
				new ScoredImage("H", "hole", 2, 1, new float[] { 0.25f, 0.1f }, new boolean[] { T, F }));
	}

	@Test
	void overallAndPerDefectType() {
		EvaluationReport r = EvaluationReport.compute(threeImages(), 0.3);
		EvaluationReport.Summary all = r.overall();
		assertEquals(3, all.images());
		assertEquals(2, all.defectiveImages());
		assertEquals(1, all.defectFreeImages());
		assertEquals(2, all.regions());
		assertEquals(6, all.pixels());
		assertEquals(2, all.defectPixels());
		assertEquals(7.0 / 12, all.auPro(), EPS);
		assertEquals(7.0 / 8, all.pixelAuroc(), EPS);
		assertEquals(0.5, all.imageAuroc(), EPS);
		assertTrue(all.notes().isEmpty());

		assertEquals(List.of("crack", "hole"), List.copyOf(r.perDefectType().keySet()));
		EvaluationReport.Summary crack = r.perDefectType().get("crack");
		assertEquals(2, crack.images());
		assertEquals(1, crack.regions());
		assertEquals(1.0, crack.auPro(), EPS);
		assertEquals(1.0, crack.pixelAuroc(), EPS);
		assertEquals(1.0, crack.imageAuroc(), EPS);
		EvaluationReport.Summary hole = r.perDefectType().get("hole");
		assertEquals(0.0, hole.auPro(), EPS);
		assertEquals(2.0 / 3, hole.pixelAuroc(), EPS);
		assertEquals(0.0, hole.imageAuroc(), EPS);

		assertNotNull(r.overallCurve());
		assertEquals(7.0 / 12, r.overallCurve().areaUpTo(0.3), EPS);
	}

	@Test
	void oneDefectTypeHasNoBreakdown() {
		List<ScoredImage> images = List.of(threeImages().get(0), threeImages().get(1));
		EvaluationReport r = EvaluationReport.compute(images);
		assertEquals(Metrics.DEFAULT_MAX_FPR, r.maxFpr());
		assertTrue(r.perDefectType().isEmpty());
		assertEquals(1.0, r.overall().auPro(), EPS);
	}

	@Test
	void undefinedMetricsAreNaNWithNotes() throws IOException {
		// only defective images: image AUROC undefined, the pixel metrics still defined
		List<ScoredImage> defectiveOnly = List.of(threeImages().get(1), threeImages().get(2));
		EvaluationReport r = EvaluationReport.compute(defectiveOnly);
		assertTrue(Double.isNaN(r.overall().imageAuroc()));
		assertFalse(Double.isNaN(r.overall().pixelAuroc()));
		assertEquals(List.of("Image AUROC is undefined: there are no defect-free images"), r.overall().notes());
		String text = r.toJson();
		assertFalse(text.contains("NaN"), "NaN is not JSON: " + text);
		JsonObject json = JsonParser.parseString(text).getAsJsonObject();
		assertTrue(json.getAsJsonObject("overall").get("imageAuroc").isJsonNull(), text);
		assertEquals("Image AUROC is undefined: there are no defect-free images", json.getAsJsonObject("overall").getAsJsonArray("notes").get(0).getAsString());

		// only defect-free images: nothing but counts
		EvaluationReport none = EvaluationReport.compute(List.of(threeImages().get(0)));
		assertTrue(Double.isNaN(none.overall().auPro()));
		assertTrue(Double.isNaN(none.overall().pixelAuroc()));
		assertTrue(Double.isNaN(none.overall().imageAuroc()));
		assertEquals(3, none.overall().notes().size());
		assertTrue(none.overall().notes().get(0).contains("no defect regions"));
		assertNull(none.overallCurve());
	}

	@Test
	void jsonIsWrittenAtomicallyAndParses(@TempDir Path dir) throws IOException {
		EvaluationReport r = EvaluationReport.compute(threeImages(), 0.3);
		Path out = dir.resolve("sub").resolve("report.json");
		Files.createDirectories(out.getParent());
		Files.writeString(out, "old");
		r.writeJson(out);
		JsonObject json = JsonParser.parseString(Files.readString(out)).getAsJsonObject();
		assertEquals(0.3, json.get("maxFpr").getAsDouble(), 0);
		JsonObject overall = json.getAsJsonObject("overall");
		assertEquals(3, overall.get("images").getAsInt());
		assertEquals(2, overall.get("regions").getAsInt());
		assertEquals(7.0 / 12, overall.get("auPro").getAsDouble(), EPS);
		assertEquals(7.0 / 8, overall.get("pixelAuroc").getAsDouble(), EPS);
		assertEquals(0.5, overall.get("imageAuroc").getAsDouble(), EPS);
		assertEquals(0, overall.getAsJsonArray("notes").size());
		assertEquals(2.0 / 3, json.getAsJsonObject("perDefectType").getAsJsonObject("hole").get("pixelAuroc").getAsDouble(), EPS);
		assertOnlyFile(out);
	}

	@Test
	void pngIsWrittenAndReadable(@TempDir Path dir) throws IOException {
		EvaluationReport r = EvaluationReport.compute(MetricsTest.twoImages(), 0.3);
		Path out = dir.resolve("pro.png");
		ProCurvePlot.writePng(r.overallCurve(), 0.3, "Test PRO curve", out);
		BufferedImage png = ImageIO.read(out.toFile());
		assertNotNull(png);
		assertEquals(800, png.getWidth());
		assertEquals(600, png.getHeight());
		// the curve colour is there: the plot is not blank
		boolean curve = false;
		for (int y = 0; y < png.getHeight() && !curve; y++)
			for (int x = 0; x < png.getWidth() && !curve; x++) curve = (png.getRGB(x, y) & 0xffffff) == 0x005ab4;
		assertTrue(curve);
		assertOnlyFile(out);

		// a full curve with a different limit, overwriting the file
		ProCurvePlot.writePng(Metrics.proCurve(MetricsTest.twoImages()), 1.0, null, out);
		assertNotNull(ImageIO.read(out.toFile()));
		assertOnlyFile(out);
	}

	@Test
	void niceTickSteps() {
		assertEquals(0.05, ProCurvePlot.niceStep(0.3 / 6), 1e-15);
		assertEquals(0.2, ProCurvePlot.niceStep(1.0 / 6), 1e-15);
		assertEquals(0.02, ProCurvePlot.niceStep(0.1 / 6), 1e-15);
		assertEquals(0.025, ProCurvePlot.niceStep(0.15 / 6), 1e-15);
	}

	/** No temporary file is left beside the output. */
	private static void assertOnlyFile(Path out) throws IOException {
		try (Stream<Path> files = Files.list(out.getParent())) {
			assertEquals(List.of(out.getFileName().toString()), files.map(p -> p.getFileName().toString()).toList());
		}
	}
}
