package io.github.stad.engine.teacher;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.inference.Predictor;
import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.util.NDImageUtils;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.TranslateException;
import io.github.stad.engine.net.Djl;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The pretrained network P for knowledge distillation, loaded through DJL: a TorchScript file
 * ({@code .pt}), a DJL model folder, or — when online — a DJL model-zoo URL. Patches get P's
 * ImageNet preprocessing: intensities scaled to [0, 1], gray replicated to RGB, bilinear resize to
 * P's input size, then the ImageNet mean/std. The output is flattened to one vector per patch.
 */
public final class TorchScriptDistiller implements Distiller {

	private static final float[] IMAGENET_MEAN = { 0.485f, 0.456f, 0.406f }, IMAGENET_STD = { 0.229f, 0.224f, 0.225f };

	private final ZooModel<NDList, NDList> model;
	private final Predictor<NDList, NDList> predictor;
	private final int inputSize;
	private final float intensityScale;
	private int outputDim = -1;

	/**
	 * @param source         a .pt file, a model folder, or a djl:// / https:// model URL (needs the network)
	 * @param inputSize      side of P's input (224 for an ImageNet ResNet-18)
	 * @param intensityMax   raw value that maps to 1.0 (255 for 8-bit photographs)
	 */
	public TorchScriptDistiller(String source, int inputSize, float intensityMax, Device device) throws IOException {
		Criteria.Builder<NDList, NDList> criteria = Criteria.builder().setTypes(NDList.class, NDList.class).optEngine("PyTorch").optDevice(device);
		if (source.startsWith("djl://") || source.startsWith("http://") || source.startsWith("https://")) {
			if (Boolean.parseBoolean(System.getProperty("ai.djl.offline", "true"))) {
				throw new IllegalArgumentException("The model " + source + " must be downloaded, but DJL is offline. Run with -Dai.djl.offline=false when online, "
						+ "or give a local TorchScript file (.pt) with --distill");
			}
			criteria.optModelUrls(source);
		} else {
			Path path = Path.of(source);
			if (!Files.exists(path)) throw new IllegalArgumentException("Distillation model not found: " + source + "; give a TorchScript .pt file or a DJL model folder");
			criteria.optModelPath(path);
		}
		try {
			this.model = Djl.withPluginClassLoader(() -> criteria.build().loadModel());
		} catch (ai.djl.engine.EngineException e) {
			throw new IOException("Cannot load the distillation model " + source + " (" + e.getMessage() + "); it must be TorchScript (torch.jit.save)", e);
		} catch (IllegalStateException e) {
			Throwable cause = e.getCause() == null ? e : e.getCause();
			if (cause instanceof ModelNotFoundException || cause instanceof MalformedModelException || cause instanceof IOException || cause instanceof ai.djl.engine.EngineException) {
				throw new IOException("Cannot load the distillation model " + source + " (" + cause.getMessage() + "); it must be TorchScript (torch.jit.save)", cause);
			}
			throw e;
		}
		this.predictor = model.newPredictor();
		this.inputSize = inputSize;
		this.intensityScale = 1f / intensityMax;
	}

	@Override
	public NDArray features(NDManager manager, float[] rawPatches, int n, int channels, int patchSize) {
		try (NDManager scratch = manager.newSubManager()) {
			NDArray x = scratch.create(rawPatches, new Shape(n, channels, patchSize, patchSize)).mul(intensityScale).clip(0f, 1f);
			if (channels == 1) x = x.repeat(1, 3);
			// NDImageUtils works on NHWC.
			NDArray nhwc = NDImageUtils.resize(x.transpose(0, 2, 3, 1), inputSize, inputSize, Image.Interpolation.BILINEAR);
			NDArray mean = scratch.create(IMAGENET_MEAN, new Shape(1, 1, 1, 3)), std = scratch.create(IMAGENET_STD, new Shape(1, 1, 1, 3));
			NDArray input = nhwc.sub(mean).div(std).transpose(0, 3, 1, 2);
			NDList out = predictor.predict(new NDList(input));
			NDArray y = out.singletonOrThrow();
			float[] values = y.toFloatArray();
			out.close();
			int dim = values.length / n;
			outputDim = dim;
			return manager.create(values, new Shape(n, dim));
		} catch (TranslateException e) {
			throw new IllegalStateException("The distillation model failed on a batch of patches: " + e.getMessage(), e);
		}
	}

	@Override
	public int outputDim() {
		if (outputDim < 0) {
			// Probe once with a blank patch to learn P's feature size.
			try (NDManager m = NDManager.newBaseManager(model.getNDManager().getDevice(), Djl.engine().getEngineName())) {
				features(m, new float[3 * 8 * 8], 1, 3, 8);
			}
		}
		return outputDim;
	}

	@Override
	public void close() {
		predictor.close();
		model.close();
	}
}
