package io.github.stad.engine.teacher;

import io.github.stad.engine.files.TeacherFile;
import io.github.stad.engine.files.WeightsCodec;
import io.github.stad.engine.files.ZipArchive;
import io.github.stad.engine.image.InputNormalisation;
import io.github.stad.engine.net.Architecture;
import io.github.stad.engine.net.TeacherWeights;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A checkpoint of teacher training: a teacher file (usable as a teacher at once) with the training
 * state beside the weights (iteration, settings that must not change, input normalisation, losses),
 * the optimiser's moments and the parameters trained beside the teacher ({@code decoder.bin}: the
 * decoder when distilling; U, V and the frozen luminance part of the first layer in colour training).
 * A run resumed from it continues exactly as if it had never stopped.
 */
public record TeacherCheckpoint(State state, List<float[]> teacherWeights, List<float[]> optimiser, List<float[]> decoder) {

	static final String STATE = "training.json", OPTIMISER = "optimiser.bin", DECODER = "decoder.bin";

	/** Training state stored beside the teacher weights. */
	public static final class State {
		int iteration;
		/** "patch", "dense" or "colour"; null in checkpoints from before the dense trainer (patch). */
		String mode;
		int patchSize, width, descriptorDim, inputChannels;
		/** Dense mode only: grid side and crop pairs per step, which fix the batches. */
		int grid, crops;
		/** Distil mode only: the targets' layer, channels and geometry ({@link DistillationTargets#describe}). */
		String targets;
		long seed;
		float[] normalisationMean, normalisationStd;
		List<float[]> losses = new ArrayList<>();

		InputNormalisation normalisation() { return new InputNormalisation(normalisationMean, normalisationStd); }

		/** Dense and distil modes: the grid side and crops per step, which fix the batches. */
		void recordBatches(TeacherSettings.Dense dense) {
			grid = dense.grid();
			crops = dense.crops();
		}

		/** Null when the batches of {@code dense} are those of this state, else what this state had. */
		String batchesDiffer(TeacherSettings.Dense dense) {
			return grid == dense.grid() && crops == dense.crops() ? null : "grid " + grid + ", " + crops + " crops";
		}

		/** The state at iteration 0 of a new run: the settings that must not change on resume, and the photos' normalisation. */
		static State fresh(String mode, TeacherSettings s, int channels, InputNormalisation n) {
			State state = new State();
			state.mode = mode;
			state.patchSize = s.patchSize();
			state.width = s.network().width();
			state.descriptorDim = s.network().descriptorDim();
			state.inputChannels = channels;
			state.seed = s.seed();
			state.normalisationMean = n.mean();
			state.normalisationStd = n.std();
			return state;
		}
	}

	static TeacherCheckpoint read(Path file) throws IOException {
		try (ZipArchive.Reader zip = ZipArchive.open(file, "checkpoint of teacher training", "")) {
			if (!zip.has(STATE)) throw new IOException(file + " is not a checkpoint of teacher training (no " + STATE + ")");
			TeacherWeights teacher = TeacherFile.read(zip);
			State state = zip.json(STATE, State.class);
			if (state == null || state.normalisationMean == null || state.normalisationStd == null) throw new IOException(file + " has an incomplete " + STATE);
			List<float[]> optimiser = zip.weights(OPTIMISER, null);
			List<float[]> decoder = zip.has(DECODER) ? zip.weights(DECODER, null) : null;
			return new TeacherCheckpoint(state, teacher.weights(), optimiser, decoder);
		}
	}

	/** Writes a checkpoint atomically; the decoder may be null. */
	static void write(Path file, Architecture arch, List<float[]> teacherWeights, List<float[]> optimiser, List<float[]> decoder, State state,
			Map<String, String> provenance) throws IOException {
		Map<String, String> info = new LinkedHashMap<>(provenance);
		info.put("iterations", Integer.toString(state.iteration));
		info.put("inputNormalisation", state.normalisation().toString());
		Map<String, ZipArchive.EntryWriter> extras = new LinkedHashMap<>();
		byte[] json = new com.google.gson.Gson().toJson(state).getBytes(StandardCharsets.UTF_8);
		extras.put(STATE, out -> out.write(json));
		extras.put(OPTIMISER, out -> WeightsCodec.write(optimiser, out));
		if (decoder != null) extras.put(DECODER, out -> WeightsCodec.write(decoder, out));
		TeacherFile.save(arch, teacherWeights, info, extras, file);
	}
}
