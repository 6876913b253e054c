package io.github.stad.engine.net;

import ai.djl.Device;
import ai.djl.engine.Engine;

import java.util.concurrent.Callable;

/**
 * The one place that starts DJL. DJL must stay offline (it would otherwise try to download
 * engines), must find its PyTorch engine through the context class loader (inside ImageJ that is
 * not the plugin's loader), and loads native libraries once per JVM.
 */
public final class Djl {

	private static volatile Engine engine;

	private Djl() {}

	/** Starts the PyTorch engine once and returns it. */
	public static Engine engine() {
		if (engine == null) {
			synchronized (Djl.class) {
				if (engine == null) {
					if (System.getProperty("ai.djl.offline") == null) System.setProperty("ai.djl.offline", "true");
					DjlLogging.quiet(); // logback (Fiji): before DJL logs anything
					if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
					// A CUDA driver without a usable GPU is normal on CPU machines; the device choice reports it.
					if (System.getProperty("org.slf4j.simpleLogger.log.ai.djl.util.cuda") == null) System.setProperty("org.slf4j.simpleLogger.log.ai.djl.util.cuda", "error");
					engine = withPluginClassLoader(() -> Engine.getEngine("PyTorch"));
				}
			}
		}
		return engine;
	}

	/** The device to compute on: the first GPU when DJL finds one and it is wanted, else the CPU. */
	public static Device device(boolean useGpu) {
		Engine e = engine();
		return useGpu && e.getGpuCount() > 0 ? Device.gpu() : Device.cpu();
	}

	/**
	 * What a use-GPU choice gives, in words for a log: the GPU, or the CPU and why. DJL finds a GPU only
	 * with a CUDA build of PyTorch's native library (pytorch-native-cu*) and a working NVIDIA driver.
	 */
	public static String deviceNote(boolean useGpu) {
		Engine e = engine();
		if (!useGpu) return "Computing on the CPU";
		if (e.getGpuCount() > 0) return "Computing on the GPU (" + Device.gpu() + ", CUDA found by DJL)";
		return "use_gpu was chosen but DJL found no CUDA GPU (CPU-only PyTorch library or no NVIDIA driver): falling back to the CPU";
	}

	/** A one-line description of the engine, for logs and model provenance. */
	public static String describe() {
		Engine e = engine();
		return "DJL " + Engine.getDjlVersion() + ", " + e.getEngineName() + " " + e.getVersion() + ", GPUs: " + e.getGpuCount();
	}

	/**
	 * PyTorch's CPU thread counts, for the log of a cluster task: by default PyTorch takes every core of the
	 * node, so a task must set them to its share (system properties ai.djl.pytorch.num_threads and
	 * ai.djl.pytorch.num_interop_threads, read when the engine starts).
	 */
	public static String cpuThreads() {
		engine();
		return "PyTorch CPU threads: " + ai.djl.pytorch.jni.JniUtils.getNumThreads() + " intra-op, " + ai.djl.pytorch.jni.JniUtils.getNumInteropThreads() + " inter-op";
	}

	/**
	 * Runs in-place parameter updates with PyTorch's gradient recording off. Recording is a
	 * per-thread switch in PyTorch, on by default; DJL turns it off only on the thread that started
	 * the engine, so an optimiser step on another thread (a Fiji command, a worker) would fail with
	 * "a leaf Variable that requires grad is being used in an in-place operation".
	 */
	public static void withoutGradients(Runnable update) {
		boolean was = ai.djl.pytorch.jni.JniUtils.isGradMode();
		ai.djl.pytorch.jni.JniUtils.setGradMode(false);
		try {
			update.run();
		} finally {
			ai.djl.pytorch.jni.JniUtils.setGradMode(was);
		}
	}

	/** Runs a DJL call with this library's class loader as the thread's context class loader. */
	public static <T> T withPluginClassLoader(Callable<T> call) {
		Thread t = Thread.currentThread();
		ClassLoader old = t.getContextClassLoader();
		t.setContextClassLoader(Djl.class.getClassLoader());
		try {
			return call.call();
		} catch (RuntimeException e) {
			throw e;
		} catch (Exception e) {
			throw new IllegalStateException(e.getMessage(), e);
		} finally {
			t.setContextClassLoader(old);
		}
	}
}
