package org.panopt.backend;

import org.panopt.kernels.BinaryOp;
import org.panopt.kernels.ConvGeometry;
import org.panopt.kernels.ReduceOp;
import org.panopt.kernels.UnaryOp;
import org.panopt.tensor.DType;
import org.panopt.tensor.Device;
import org.panopt.tensor.Tensor;

/**
 * Where tensor storage lives and which kernels run on it. {@link Tensor} validates shapes, works out
 * result shapes and allocates results; a backend only computes. Every tensor handed to a backend lives
 * on {@link #device()}; tensors are contiguous row-major views {@code (storage, offset, shape)}.
 *
 * <p>Backends are found through {@link BackendProvider} and {@link java.util.ServiceLoader}:
 * {@link CpuBackend} is built in; the {@code gpu} module adds CUDA. The methods are the primitive set
 * the tensor API is written in — a new backend implements these and every tensor op works on it.
 */
public interface Backend {

    Device device();

    /** Zero-filled storage of {@code size} elements. */
    Storage allocate(DType dtype, int size);

    /** Storage holding a copy of {@code data}. */
    Storage fromHost(float[] data);

    /** Storage holding a copy of {@code data}. */
    Storage fromHost(double[] data);

    /** Copies {@code t} into {@code dst} (length {@code t.size()}), converting to float. */
    void toHost(Tensor t, float[] dst);

    /** Copies {@code t} into {@code dst} (length {@code t.size()}), converting to double. */
    void toHost(Tensor t, double[] dst);

    /** Sets every element of {@code out} to {@code value}. */
    void fill(Tensor out, double value);

    /** Copies {@code src} into {@code dst} element by element (same size), converting the dtype if they differ. */
    void copy(Tensor src, Tensor dst);

    /** out = op(x), where x's shape broadcasts to out's; same dtype. */
    void unary(UnaryOp op, Tensor x, Tensor out);

    /** out = op(a, b), where a's and b's shapes broadcast to out's; same dtype. */
    void binary(BinaryOp op, Tensor a, Tensor b, Tensor out);

    /**
     * y ← y + alpha·x in place, x broadcast to y's shape, same dtype: the update step of an optimizer, without a
     * temporary for alpha·x. The product is rounded before the sum, as with a multiply and an add. The default
     * does exactly that through {@link #binary}; a backend overrides it with one fused pass.
     */
    default void axpy(double alpha, Tensor x, Tensor y) {
        Storage scalar = y.dtype() == DType.FLOAT32 ? fromHost(new float[] {(float) alpha}) : fromHost(new double[] {alpha});
        Tensor scaled = new Tensor(allocate(y.dtype(), y.size()), 0, y.shape());
        binary(BinaryOp.MUL, x, new Tensor(scalar, 0, org.panopt.tensor.Shape.scalar()), scaled);
        binary(BinaryOp.ADD, y, scaled, y);
    }

    /** out = cond ≠ 0 ? a : b, all three broadcast to out's shape; same dtype. */
    void where(Tensor cond, Tensor a, Tensor b, Tensor out);

    /**
     * Reduces axes {@code [from, to)} of x: viewing x as {@code [outer, r, inner]}, out (size
     * {@code outer·inner}) gets op over the r axis. r = 0 gives the op's identity.
     */
    void reduce(ReduceOp op, Tensor x, int from, int to, Tensor out);

    /** Index (as a float value) of the first maximum (MAX) or minimum (MIN) along {@code axis}; NaN wins. */
    void argReduce(ReduceOp op, Tensor x, int axis, Tensor out);

    /** Softmax (or log-softmax) along {@code axis}, numerically stable. */
    void softmax(Tensor x, int axis, boolean log, Tensor out);

    /** log Σ exp along {@code axis} (out has that axis removed), numerically stable. */
    void logSumExp(Tensor x, int axis, Tensor out);

    /**
     * Batched matrix product out[i] = op(a[i])·op(b[i]) over 3-d views: a is {@code [Ba, ·, ·]}, b is
     * {@code [Bb, ·, ·]}, out is {@code [B, m, n]}, with Ba and Bb each B or 1 (1 = the same matrix for
     * every batch entry). op transposes the stored matrix when the flag is set.
     */
    void matmul(Tensor a, boolean transA, Tensor b, boolean transB, Tensor out);

    /** out = x with its axes permuted: out axis i is x axis {@code perm[i]}. */
    void permute(Tensor x, int[] perm, Tensor out);

    /**
     * Copies {@code count} blocks of {@code block} elements: block j goes from {@code src} at
     * {@code srcStart + j·srcStride} to {@code dst} at {@code dstStart + j·dstStride} (positions
     * relative to each tensor's first element). The data movement under concat, stack and narrow.
     */
    void copyBlocks(Tensor src, int srcStart, int srcStride, Tensor dst, int dstStart, int dstStride, int block, int count);

    /**
     * Unfolds each image of x {@code [N, C, H, W]} into its column matrix: cols is
     * {@code [N, C·kh·kw, OH·OW]}, row {@code (c·kh + i)·kw + j} holding tap (i, j) of channel c (zero
     * where the tap falls in the padding). A convolution is then a matrix product per image.
     */
    void im2col(Tensor x, ConvGeometry g, Tensor cols);

    /** The adjoint of {@link #im2col}: x = Σ of the columns folded back into their images (x is overwritten). */
    void col2im(Tensor cols, ConvGeometry g, Tensor x);

    /**
     * Max pooling of x {@code [N, C, H, W]} into out {@code [N, C, OH, OW]}; argmax (same shape as out,
     * same dtype) receives the winner's flat index within its input plane, {@code ih·W + iw}. Ties go to
     * the first position in row-major window order; padding never wins.
     */
    void maxPool(Tensor x, ConvGeometry g, Tensor out, Tensor argmax);

    /** gradIn (overwritten, {@code [N, C, H, W]}) = gradOut scattered to the argmax positions, summed. */
    void maxPoolBackward(Tensor gradOut, Tensor argmax, ConvGeometry g, Tensor gradIn);

    /** out {@code [N, C, OH, OW]} = x {@code [N, C, H, W]} read at the argmax positions: the adjoint of {@link #maxPoolBackward}. */
    void maxPoolGather(Tensor x, Tensor argmax, ConvGeometry g, Tensor out);

    /** Average pooling; the divisor is kh·kw with {@code countIncludePad}, else the in-image taps. */
    void avgPool(Tensor x, ConvGeometry g, boolean countIncludePad, Tensor out);

    /** gradIn (overwritten) = the adjoint of {@link #avgPool} applied to gradOut. */
    void avgPoolBackward(Tensor gradOut, ConvGeometry g, boolean countIncludePad, Tensor gradIn);
}
