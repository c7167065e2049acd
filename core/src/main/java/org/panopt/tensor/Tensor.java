package org.panopt.tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import org.panopt.autograd.Autograd;
import org.panopt.autograd.GradMode;
import org.panopt.autograd.Node;
import org.panopt.backend.Backend;
import org.panopt.backend.Backends;
import org.panopt.backend.Storage;
import org.panopt.kernels.BinaryOp;
import org.panopt.kernels.ConvGeometry;
import org.panopt.kernels.ReduceOp;
import org.panopt.kernels.UnaryOp;

/**
 * An N-d array of float32 or float64 elements: row-major, contiguous, on one {@link Device}.
 *
 * <p>A tensor is a view {@code (storage, offset, shape)}. {@link #reshape}, {@link #get} and
 * {@link #slice} share storage with their source; every other op returns a new tensor (transposes and
 * permutations are materialized, so every tensor stays contiguous and every kernel sees plain runs).
 * Binary ops follow NumPy broadcasting and promote float32 with float64 to float64. Shape errors name
 * the op and the shapes involved. The arithmetic runs on the {@link Backend} of the tensor's device.
 *
 * <p>Autograd: an op whose inputs require a gradient records a {@link Node} on its result (unless
 * {@link GradMode} is off), whose backward rule is written with these same differentiable ops — so
 * {@code createGraph} gives exact higher-order derivatives. Comparisons, {@code sign}, {@code step} and
 * {@code argmax} are piecewise constant: their results never require a gradient. In-place ops refuse
 * tensors that require a gradient while recording is on (run optimizer updates under {@code noGrad}).
 */
public final class Tensor {
    private final Shape shape;
    private Storage storage; // re-pointed only by setData
    private int offset;

    private boolean requiresGrad;
    private Node gradFn;
    private Tensor grad;
    private List<UnaryOperator<Tensor>> hooks;

    /** A view of {@code storage} from {@code offset} with {@code shape}; the storage must be large enough. */
    public Tensor(Storage storage, int offset, Shape shape) {
        if (offset < 0 || (long) offset + shape.size() > storage.size()) {
            throw new IllegalArgumentException("view of shape " + shape + " at offset " + offset
                    + " does not fit a storage of " + storage.size() + " elements");
        }
        this.storage = storage;
        this.offset = offset;
        this.shape = shape;
    }

    // ---------------------------------------------------------------- autograd

    /** Whether gradients flow to this tensor: a leaf marked by {@link #requiresGrad(boolean)}, or an op result with such an input. */
    public boolean requiresGrad() {
        return requiresGrad;
    }

    /** Marks a leaf (a tensor not computed by a recorded op) as a variable to differentiate with respect to; returns this. */
    public Tensor requiresGrad(boolean value) {
        if (gradFn != null) {
            throw new IllegalStateException("requiresGrad can only be set on leaf tensors; this " + shape + " was computed by "
                    + gradFn.name() + " (use detach() for a leaf copy)");
        }
        requiresGrad = value;
        return this;
    }

    /** The node of the op that computed this tensor; null for leaves. */
    public Node gradFn() {
        return gradFn;
    }

    /** Whether this tensor is a leaf of the graph (not the result of a recorded op). */
    public boolean isLeaf() {
        return gradFn == null;
    }

    /** The gradient accumulated by {@link #backward}; null before the first backward or after {@link #zeroGrad}. */
    public Tensor grad() {
        return grad;
    }

    /** Replaces the accumulated gradient (null clears it). */
    public void setGrad(Tensor g) {
        if (g != null && !g.shape.equals(shape)) {
            throw new IllegalArgumentException("setGrad: gradient shape " + g.shape + " does not match tensor shape " + shape);
        }
        grad = g;
    }

    /** Clears the accumulated gradient (as PyTorch's {@code zero_grad(set_to_none=True)}). */
    public void zeroGrad() {
        grad = null;
    }

    /** The same storage as a leaf that does not require a gradient: cuts the graph here. */
    public Tensor detach() {
        return new Tensor(storage, offset, shape);
    }

    /**
     * Re-points this leaf at {@code data}'s elements (same shape; any dtype or device), keeping the tensor
     * itself — its gradient flag, gradient and hooks — as PyTorch's {@code tensor.data = data}. This is how
     * {@link org.panopt.nn.Module#to} moves parameters while layers and optimizer state keep referring to
     * them. Views taken earlier keep the old elements. Not for computed tensors: their graph refers to
     * their values.
     */
    public Tensor setData(Tensor data) {
        if (gradFn != null) {
            throw new IllegalStateException("setData on a tensor " + shape + " computed by " + gradFn.name() + "; only leaves can be re-pointed");
        }
        if (!data.shape.equals(shape)) {
            throw new IllegalArgumentException("setData: data of shape " + data.shape + " for a tensor of shape " + shape);
        }
        this.storage = data.storage;
        this.offset = data.offset;
        return this;
    }

    /** Back-propagates from this one-element tensor, adding into the {@code grad} of every leaf that requires one. */
    public void backward() {
        backward(null, false, false);
    }

    /** Back-propagates {@code gradOutput} (the gradient of some scalar with respect to this tensor). */
    public void backward(Tensor gradOutput) {
        backward(gradOutput, false, false);
    }

    /**
     * Back-propagation with PyTorch's options: {@code retainGraph} keeps the graph for another backward
     * pass; {@code createGraph} records this one, so the accumulated gradients can be differentiated again.
     */
    public void backward(Tensor gradOutput, boolean retainGraph, boolean createGraph) {
        Autograd.backward(this, gradOutput, retainGraph, createGraph);
    }

    /**
     * Registers a function called with this tensor's gradient whenever a backward pass computes it; it
     * may return a replacement (or the same tensor). Layers' backward hooks are built on this.
     */
    public void registerHook(UnaryOperator<Tensor> hook) {
        if (!requiresGrad) throw new IllegalStateException("registerHook on a tensor " + shape + " that does not require a gradient");
        if (hooks == null) hooks = new ArrayList<>();
        hooks.add(hook);
    }

    /** Applies the registered hooks to {@code g} in order (used by the autograd engine). */
    public Tensor runHooks(Tensor g) {
        if (hooks == null) return g;
        for (UnaryOperator<Tensor> h : hooks) {
            Tensor r = h.apply(g);
            if (r != null) g = r;
        }
        return g;
    }

    // Marks this freshly computed result as the output of an op, when recording and an input requires grad.
    private Tensor record(String name, Node.Backward backward, Tensor... inputs) {
        if (!GradMode.isEnabled()) return this;
        for (Tensor in : inputs) {
            if (in != null && in.requiresGrad) {
                gradFn = new Node(name, backward, inputs);
                requiresGrad = true;
                return this;
            }
        }
        return this;
    }

    private void checkInPlace(String op) {
        if (requiresGrad && GradMode.isEnabled()) {
            throw new IllegalStateException(op + ": in-place change of a tensor " + shape + " that requires a gradient"
                    + " while autograd is recording; do it inside Autograd.noGrad(...)");
        }
    }

    /**
     * This tensor summed down to {@code target}, the inverse of broadcasting: leading axes are summed away and
     * axes where {@code target} has extent 1 are summed with keepDim. The gradient of a broadcast operand.
     */
    public Tensor sumTo(Shape target) {
        if (shape.equals(target)) return this;
        int lead = rank() - target.rank();
        if (lead < 0) throw new IllegalArgumentException("sumTo: shape " + shape + " has lower rank than " + target);
        List<Integer> axes = new ArrayList<>();
        for (int a = 0; a < rank(); a++) {
            if (a < lead || (target.dim(a - lead) == 1 && shape.dim(a) != 1)) axes.add(a);
            else if (target.dim(a - lead) != shape.dim(a)) {
                throw new IllegalArgumentException("sumTo: shape " + shape + " does not broadcast to " + target);
            }
        }
        Tensor s = sum(axes.stream().mapToInt(Integer::intValue).toArray(), true);
        return s.reshape(target.dims());
    }

    // ---------------------------------------------------------------- creation

    public static Tensor zeros(int... dims) {
        return zeros(DType.FLOAT32, dims);
    }

    public static Tensor zeros(DType dtype, int... dims) {
        return zeros(dtype, Shape.of(dims), Device.CPU);
    }

    public static Tensor zeros(DType dtype, Shape shape, Device device) {
        return new Tensor(Backends.of(device).allocate(dtype, shape.size()), 0, shape);
    }

    public static Tensor ones(int... dims) {
        return full(1.0, DType.FLOAT32, dims);
    }

    public static Tensor ones(DType dtype, int... dims) {
        return full(1.0, dtype, dims);
    }

    public static Tensor full(double value, DType dtype, int... dims) {
        Tensor t = zeros(dtype, dims);
        if (value != 0) t.fill(value);
        return t;
    }

    /** A rank-0 float32 tensor. */
    public static Tensor scalar(double value) {
        return scalar(value, DType.FLOAT32);
    }

    public static Tensor scalar(double value, DType dtype) {
        return full(value, dtype);
    }

    /** A float32 tensor holding a copy of {@code data}, whose length must equal the shape's size. */
    public static Tensor of(float[] data, int... dims) {
        Shape s = dims.length == 0 ? Shape.of(data.length) : Shape.of(dims);
        checkLength("Tensor.of", data.length, s);
        return new Tensor(Backends.of(Device.CPU).fromHost(data), 0, s);
    }

    /** A float64 tensor holding a copy of {@code data}, whose length must equal the shape's size. */
    public static Tensor of(double[] data, int... dims) {
        Shape s = dims.length == 0 ? Shape.of(data.length) : Shape.of(dims);
        checkLength("Tensor.of", data.length, s);
        return new Tensor(Backends.of(Device.CPU).fromHost(data), 0, s);
    }

    private static void checkLength(String op, int length, Shape s) {
        if (length != s.size()) {
            throw new IllegalArgumentException(op + ": " + length + " values do not fill shape " + s + " (" + s.size() + " elements)");
        }
    }

    /** 0, 1, …, n−1 as a float32 vector. */
    public static Tensor arange(int n) {
        return arange(0, n, 1, DType.FLOAT32);
    }

    /** start, start+step, … while below {@code end} (above, for a negative step). */
    public static Tensor arange(double start, double end, double step, DType dtype) {
        if (step == 0 || Double.isNaN(step)) throw new IllegalArgumentException("arange: step " + step + " must be non-zero");
        int n = (int) Math.max(0, Math.ceil((end - start) / step));
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = start + i * step;
        return of(v).to(dtype);
    }

    /** The n×n identity matrix. */
    public static Tensor eye(int n, DType dtype) {
        double[] v = new double[n * n];
        for (int i = 0; i < n; i++) v[i * n + i] = 1;
        return of(v, n, n).to(dtype);
    }

    /** Standard normal samples from {@code rng} (reproducible for a seed). */
    public static Tensor randn(SplittableRandom rng, DType dtype, int... dims) {
        Shape s = Shape.of(dims);
        double[] v = new double[s.size()];
        for (int i = 0; i < v.length; i++) v[i] = rng.nextGaussian();
        return of(v, dims).to(dtype);
    }

    /** Uniform samples in [lo, hi) from {@code rng}. */
    public static Tensor rand(SplittableRandom rng, double lo, double hi, DType dtype, int... dims) {
        Shape s = Shape.of(dims);
        double[] v = new double[s.size()];
        for (int i = 0; i < v.length; i++) v[i] = lo + (hi - lo) * rng.nextDouble();
        return of(v, dims).to(dtype);
    }


    // ---------------------------------------------------------------- accessors

    public Shape shape() {
        return shape;
    }

    public int[] dims() {
        return shape.dims();
    }

    public int dim(int axis) {
        return shape.dim(axis);
    }

    public int rank() {
        return shape.rank();
    }

    public int size() {
        return shape.size();
    }

    public DType dtype() {
        return storage.dtype();
    }

    public Device device() {
        return storage.device();
    }

    public Storage storage() {
        return storage;
    }

    /** Position of this view's first element in its storage. */
    public int offset() {
        return offset;
    }

    private Backend backend() {
        return Backends.of(storage.device());
    }

    /** The value of a one-element tensor. */
    public double item() {
        if (size() != 1) throw new IllegalStateException("item() needs a one-element tensor, got shape " + shape);
        return toDoubleArray()[0];
    }

    /** The element at {@code index} (one index per axis). */
    public double at(int... index) {
        if (index.length != rank()) {
            throw new IllegalArgumentException("at: " + index.length + " indices for shape " + shape);
        }
        int flat = 0;
        int[] strides = shape.strides();
        for (int a = 0; a < index.length; a++) {
            if (index[a] < 0 || index[a] >= shape.dim(a)) {
                throw new IndexOutOfBoundsException("at: index " + index[a] + " at axis " + a + " is outside shape " + shape);
            }
            flat += index[a] * strides[a];
        }
        return new Tensor(storage, offset + flat, Shape.scalar()).item();
    }

    public float[] toFloatArray() {
        float[] out = new float[size()];
        backend().toHost(this, out);
        return out;
    }

    public double[] toDoubleArray() {
        double[] out = new double[size()];
        backend().toHost(this, out);
        return out;
    }

    // ---------------------------------------------------------------- views

    /** The same elements with another shape (one extent may be −1: inferred). Shares storage. */
    public Tensor reshape(int... dims) {
        int[] d = dims.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < d.length; i++) {
            if (d[i] == -1) {
                if (infer >= 0) throw new IllegalArgumentException("reshape " + shape + " to " + Arrays.toString(dims) + ": more than one -1");
                infer = i;
            } else {
                known *= d[i];
            }
        }
        if (infer >= 0) {
            if (known == 0 || size() % known != 0) {
                throw new IllegalArgumentException("reshape " + shape + " to " + Arrays.toString(dims) + ": " + size() + " elements cannot fill it");
            }
            d[infer] = (int) (size() / known);
        }
        Shape s = Shape.of(d);
        if (s.size() != size()) {
            throw new IllegalArgumentException("reshape " + shape + " (" + size() + " elements) to " + s + " (" + s.size() + " elements)");
        }
        int[] from = dims();
        return new Tensor(storage, offset, s).record("reshape", g -> new Tensor[] {g.reshape(from)}, this);
    }

    /** A 1-d view of all elements. */
    public Tensor flatten() {
        return reshape(size());
    }

    /** Entry {@code i} of the leading axis, as a view of rank − 1. */
    public Tensor get(int i) {
        if (rank() == 0) throw new IllegalArgumentException("get(" + i + "): a scalar has no leading axis");
        if (i < 0 || i >= shape.dim(0)) throw new IndexOutOfBoundsException("get(" + i + ") outside leading axis of shape " + shape);
        Shape inner = shape.dropFirst();
        int n = shape.dim(0);
        return new Tensor(storage, offset + i * inner.size(), inner)
                .record("get", g -> new Tensor[] {padAlong(g.unsqueeze(0), 0, i, n)}, this);
    }

    /** Entries {@code [from, to)} of the leading axis, as a view. */
    public Tensor slice(int from, int to) {
        if (rank() == 0) throw new IllegalArgumentException("slice: a scalar has no leading axis");
        if (from < 0 || to < from || to > shape.dim(0)) {
            throw new IndexOutOfBoundsException("slice [" + from + ", " + to + ") outside leading axis of shape " + shape);
        }
        int inner = shape.sizeOf(1, rank());
        int n = shape.dim(0);
        return new Tensor(storage, offset + from * inner, shape.withDim(0, to - from))
                .record("slice", g -> new Tensor[] {padAlong(g, 0, from, n)}, this);
    }

    /** A view with a new axis of extent 1 at {@code axis} (which may equal rank). */
    public Tensor unsqueeze(int axis) {
        int a = axis < 0 ? axis + rank() + 1 : axis;
        if (a < 0 || a > rank()) throw new IllegalArgumentException("unsqueeze: axis " + axis + " out of range for shape " + shape);
        int[] d = new int[rank() + 1];
        for (int i = 0, j = 0; i < d.length; i++) d[i] = i == a ? 1 : shape.dim(j++);
        return reshape(d);
    }

    /** A view without axis {@code axis}, whose extent must be 1. */
    public Tensor squeeze(int axis) {
        int a = shape.normalizeAxis(axis);
        if (shape.dim(a) != 1) throw new IllegalArgumentException("squeeze: axis " + axis + " of shape " + shape + " is not 1");
        int[] d = new int[rank() - 1];
        for (int i = 0, j = 0; i < rank(); i++) if (i != a) d[j++] = shape.dim(i);
        return reshape(d);
    }

    // g placed at [start, start + g.dim(axis)) of an axis of extent `total`, zeros elsewhere: the gradient of a slice.
    private static Tensor padAlong(Tensor g, int axis, int start, int total) {
        int len = g.dim(axis);
        if (start == 0 && len == total) return g;
        List<Tensor> parts = new ArrayList<>(3);
        if (start > 0) parts.add(zeros(g.dtype(), g.shape.withDim(axis, start), g.device()));
        parts.add(g);
        if (start + len < total) parts.add(zeros(g.dtype(), g.shape.withDim(axis, total - start - len), g.device()));
        return concat(axis, parts.toArray(Tensor[]::new));
    }

    // ---------------------------------------------------------------- copies and movement

    /** A fresh tensor with the same elements. */
    public Tensor copy() {
        Tensor out = zeros(dtype(), shape, device());
        backend().copy(this, out);
        return out.record("copy", g -> new Tensor[] {g}, this);
    }

    /** This tensor converted to {@code dtype} (itself if it already is). */
    public Tensor to(DType dtype) {
        if (dtype == dtype()) return this;
        Tensor out = zeros(dtype, shape, device());
        backend().copy(this, out);
        DType from = dtype();
        return out.record("to", g -> new Tensor[] {g.to(from)}, this);
    }

    /** This tensor copied to {@code device} (itself if it is already there). */
    public Tensor to(Device device) {
        if (device.equals(device())) return this;
        Backend target = Backends.of(device);
        Storage s = switch (dtype()) {
            case FLOAT32 -> target.fromHost(toFloatArray());
            case FLOAT64 -> target.fromHost(toDoubleArray());
        };
        Device from = device();
        return new Tensor(s, 0, shape).record("to", g -> new Tensor[] {g.to(from)}, this);
    }

    /** Overwrites every element with {@code value}; returns this. */
    public Tensor fill(double value) {
        checkInPlace("fill");
        backend().fill(this, value);
        return this;
    }

    /** Overwrites this tensor with {@code src} broadcast to its shape (converting dtype); returns this. */
    public Tensor copyFrom(Tensor src) {
        checkInPlace("copyFrom");
        sameDevice("copyFrom", src);
        Shape b = Shape.broadcast("copyFrom", shape, src.shape);
        if (!b.equals(shape)) throw new IllegalArgumentException("copyFrom: shape " + src.shape + " does not broadcast to " + shape);
        Tensor s = src.to(dtype());
        if (s.shape.equals(shape)) backend().copy(s, this);
        else backend().unary(UnaryOp.IDENTITY, s, this);
        return this;
    }

    /**
     * this += alpha·other (other broadcast to this shape); returns this. One pass with no temporary for
     * alpha·other ({@link Backend#axpy}); other is converted to this tensor's dtype first.
     */
    public Tensor addInPlace(Tensor other, double alpha) {
        checkInPlace("addInPlace");
        sameDevice("addInPlace", other);
        Shape b = Shape.broadcast("addInPlace", shape, other.shape);
        if (!b.equals(shape)) throw new IllegalArgumentException("addInPlace: shape " + other.shape + " does not broadcast to " + shape);
        Tensor o = GradMode.noGrad(() -> other.to(dtype()));
        if (alpha == 1) backend().binary(BinaryOp.ADD, this, o, this);
        else backend().axpy(alpha, o, this);
        return this;
    }

    /** this *= s; returns this. */
    public Tensor mulInPlace(double s) {
        checkInPlace("mulInPlace");
        backend().binary(BinaryOp.MUL, this, scalar(s, dtype()).to(device()), this);
        return this;
    }

    /** This tensor broadcast to {@code dims}, materialized. */
    public Tensor expand(int... dims) {
        Shape target = Shape.of(dims);
        Shape b = Shape.broadcast("expand", shape, target);
        if (!b.equals(target)) throw new IllegalArgumentException("expand: shape " + shape + " does not broadcast to " + target);
        Tensor out = zeros(dtype(), target, device());
        backend().unary(UnaryOp.IDENTITY, this, out);
        return out.record("expand", g -> new Tensor[] {g.sumTo(shape)}, this);
    }

    /** The axes permuted: result axis i is this tensor's axis {@code perm[i]}. Materialized. */
    public Tensor permute(int... axes) {
        int[] perm = axes.clone();
        if (perm.length != rank()) throw new IllegalArgumentException("permute " + Arrays.toString(perm) + " for shape " + shape + ": wrong number of axes");
        boolean[] seen = new boolean[rank()];
        int[] d = new int[rank()];
        for (int i = 0; i < perm.length; i++) {
            int a = shape.normalizeAxis(perm[i]);
            if (seen[a]) throw new IllegalArgumentException("permute " + Arrays.toString(perm) + ": axis " + a + " appears twice");
            seen[a] = true;
            perm[i] = a;
            d[i] = shape.dim(a);
        }
        Tensor out = zeros(dtype(), Shape.of(d), device());
        backend().permute(this, perm.clone(), out);
        int[] inverse = new int[perm.length];
        for (int i = 0; i < perm.length; i++) inverse[perm[i]] = i;
        return out.record("permute", g -> new Tensor[] {g.permute(inverse)}, this);
    }

    /** The last two axes swapped (a matrix transpose, batched over leading axes). */
    public Tensor transpose() {
        if (rank() < 2) throw new IllegalArgumentException("transpose needs rank ≥ 2, got shape " + shape);
        return transpose(rank() - 2, rank() - 1);
    }

    /** Axes {@code a} and {@code b} swapped. */
    public Tensor transpose(int a, int b) {
        int[] perm = new int[rank()];
        for (int i = 0; i < perm.length; i++) perm[i] = i;
        int na = shape.normalizeAxis(a);
        int nb = shape.normalizeAxis(b);
        perm[na] = nb;
        perm[nb] = na;
        return permute(perm);
    }

    /** Entries {@code [start, start+length)} along {@code axis}, materialized. */
    public Tensor narrow(int axis, int start, int length) {
        int a = shape.normalizeAxis(axis);
        if (start < 0 || length < 0 || start + length > shape.dim(a)) {
            throw new IndexOutOfBoundsException("narrow: [" + start + ", " + (start + length) + ") outside axis " + a + " of shape " + shape);
        }
        int inner = shape.sizeOf(a + 1, rank());
        Tensor out = zeros(dtype(), shape.withDim(a, length), device());
        backend().copyBlocks(this, start * inner, shape.dim(a) * inner, out, 0, length * inner, length * inner, shape.sizeOf(0, a));
        int total = shape.dim(a);
        return out.record("narrow", g -> new Tensor[] {padAlong(g, a, start, total)}, this);
    }

    /** Tensors joined along an existing axis; all other extents must agree. */
    public static Tensor concat(int axis, Tensor... parts) {
        if (parts.length == 0) throw new IllegalArgumentException("concat: no tensors");
        Tensor first = parts[0];
        int a = first.shape.normalizeAxis(axis);
        int total = 0;
        DType dtype = first.dtype();
        for (Tensor p : parts) {
            first.sameDevice("concat", p);
            if (p.rank() != first.rank()) throw new IllegalArgumentException("concat: shapes " + first.shape + " and " + p.shape + " differ in rank");
            for (int i = 0; i < p.rank(); i++) {
                if (i != a && p.shape.dim(i) != first.shape.dim(i)) {
                    throw new IllegalArgumentException("concat along axis " + a + ": shapes " + first.shape + " and " + p.shape + " differ at axis " + i);
                }
            }
            total += p.shape.dim(a);
            dtype = DType.promote(dtype, p.dtype());
        }
        Tensor out = zeros(dtype, first.shape.withDim(a, total), first.device());
        int inner = first.shape.sizeOf(a + 1, first.rank());
        int outer = first.shape.sizeOf(0, a);
        int at = 0;
        for (Tensor p : parts) {
            int block = p.shape.dim(a) * inner;
            out.backend().copyBlocks(p.to(dtype), 0, block, out, at, total * inner, block, outer);
            at += block;
        }
        Tensor[] inputs = parts.clone();
        return out.record("concat", g -> {
            Tensor[] grads = new Tensor[inputs.length];
            for (int i = 0, start = 0; i < inputs.length; start += inputs[i].dim(a), i++) {
                if (inputs[i].requiresGrad) grads[i] = g.narrow(a, start, inputs[i].dim(a)).to(inputs[i].dtype());
            }
            return grads;
        }, inputs);
    }

    /** Tensors of one shape stacked along a new axis. */
    public static Tensor stack(int axis, Tensor... parts) {
        if (parts.length == 0) throw new IllegalArgumentException("stack: no tensors");
        Tensor[] expanded = new Tensor[parts.length];
        for (int i = 0; i < parts.length; i++) {
            if (!parts[i].shape.equals(parts[0].shape)) {
                throw new IllegalArgumentException("stack: shapes " + parts[0].shape + " and " + parts[i].shape + " differ");
            }
            expanded[i] = parts[i].unsqueeze(axis);
        }
        return concat(axis, expanded);
    }

    // ---------------------------------------------------------------- elementwise

    private Tensor unary(UnaryOp op) {
        Tensor out = zeros(dtype(), shape, device());
        backend().unary(op, this, out);
        if (op == UnaryOp.SIGN || op == UnaryOp.STEP) return out; // piecewise constant
        return out.record(op.name().toLowerCase(), g -> new Tensor[] {unaryGrad(op, this, out, g)}, this);
    }

    // ∂L/∂x = g · f'(x), written with the output y = f(x) where that is cheaper.
    private static Tensor unaryGrad(UnaryOp op, Tensor x, Tensor y, Tensor g) {
        return switch (op) {
            case IDENTITY -> g;
            case NEG -> g.neg();
            case ABS -> g.mul(x.sign());
            case EXP -> g.mul(y);
            case LOG -> g.div(x);
            case SQRT -> g.div(y.mul(2));
            case RSQRT -> g.mul(y.mul(y).mul(y)).mul(-0.5);
            case TANH -> g.mul(y.square().neg().add(1));
            case SIGMOID -> g.mul(y.mul(y.neg().add(1)));
            case RELU -> g.mul(x.step());
            case SQUARE -> g.mul(x.mul(2));
            case RECIPROCAL -> g.mul(y.square()).neg();
            case LOG1P -> g.div(x.add(1));
            case EXPM1 -> g.mul(y.add(1));
            case SIN -> g.mul(x.cos());
            case COS -> g.mul(x.sin()).neg();
            case SOFTPLUS -> g.mul(x.sigmoid());
            case ERF -> g.mul(x.square().neg().exp().mul(2 / Math.sqrt(Math.PI)));
            case SIGN, STEP -> throw new IllegalStateException(op + " has no recorded gradient");
        };
    }

    public Tensor neg() { return unary(UnaryOp.NEG); }
    public Tensor abs() { return unary(UnaryOp.ABS); }
    public Tensor exp() { return unary(UnaryOp.EXP); }
    public Tensor log() { return unary(UnaryOp.LOG); }
    public Tensor sqrt() { return unary(UnaryOp.SQRT); }
    public Tensor rsqrt() { return unary(UnaryOp.RSQRT); }
    public Tensor tanh() { return unary(UnaryOp.TANH); }
    public Tensor sigmoid() { return unary(UnaryOp.SIGMOID); }
    public Tensor relu() { return unary(UnaryOp.RELU); }
    public Tensor square() { return unary(UnaryOp.SQUARE); }
    public Tensor reciprocal() { return unary(UnaryOp.RECIPROCAL); }
    public Tensor sign() { return unary(UnaryOp.SIGN); }
    public Tensor log1p() { return unary(UnaryOp.LOG1P); }
    public Tensor expm1() { return unary(UnaryOp.EXPM1); }
    public Tensor sin() { return unary(UnaryOp.SIN); }
    public Tensor cos() { return unary(UnaryOp.COS); }
    public Tensor softplus() { return unary(UnaryOp.SOFTPLUS); }
    public Tensor erf() { return unary(UnaryOp.ERF); }
    /** 1 where this > 0, else 0. */
    public Tensor step() { return unary(UnaryOp.STEP); }

    /** Elements clamped into [lo, hi]. */
    public Tensor clamp(double lo, double hi) {
        if (lo > hi) throw new IllegalArgumentException("clamp: lo " + lo + " > hi " + hi);
        return max(lo).min(hi);
    }

    private Tensor binary(BinaryOp op, Tensor other) {
        sameDevice(op.name().toLowerCase(), other);
        Shape s = Shape.broadcast(op.name().toLowerCase(), shape, other.shape);
        DType dt = DType.promote(dtype(), other.dtype());
        Tensor out = zeros(dt, s, device());
        Tensor a = to(dt);
        Tensor b = other.to(dt);
        backend().binary(op, a, b, out);
        if (op.isComparison()) return out; // piecewise constant
        return out.record(op.name().toLowerCase(), g -> binaryGrad(op, a, b, out, g), a, b);
    }

    // (∂L/∂a, ∂L/∂b) for out = op(a, b), each summed back to its operand's shape; null where not needed.
    private static Tensor[] binaryGrad(BinaryOp op, Tensor a, Tensor b, Tensor out, Tensor g) {
        Tensor ga = null;
        Tensor gb = null;
        switch (op) {
            case ADD -> {
                ga = g;
                gb = g;
            }
            case SUB -> {
                ga = g;
                gb = b.requiresGrad ? g.neg() : null;
            }
            case MUL -> {
                ga = a.requiresGrad ? g.mul(b) : null;
                gb = b.requiresGrad ? g.mul(a) : null;
            }
            case DIV -> {
                ga = a.requiresGrad ? g.div(b) : null;
                gb = b.requiresGrad ? g.mul(out).div(b).neg() : null;
            }
            case POW -> {
                ga = a.requiresGrad ? g.mul(b).mul(a.pow(b.sub(1))) : null;
                gb = b.requiresGrad ? g.mul(out).mul(a.log()) : null;
            }
            case MAX, MIN -> { // ties share the gradient equally, as torch.maximum/minimum do
                Tensor wins = (op == BinaryOp.MAX ? a.gt(b) : a.lt(b)).add(a.eq(b).mul(0.5));
                ga = a.requiresGrad ? g.mul(wins) : null;
                gb = b.requiresGrad ? g.mul(wins.neg().add(1)) : null;
            }
            default -> throw new IllegalStateException(op + " has no gradient");
        }
        return new Tensor[] {a.requiresGrad && ga != null ? ga.sumTo(a.shape) : null,
                             b.requiresGrad && gb != null ? gb.sumTo(b.shape) : null};
    }

    private Tensor binary(BinaryOp op, double other) {
        return binary(op, scalar(other, dtype()).to(device()));
    }

    public Tensor add(Tensor o) { return binary(BinaryOp.ADD, o); }
    public Tensor sub(Tensor o) { return binary(BinaryOp.SUB, o); }
    public Tensor mul(Tensor o) { return binary(BinaryOp.MUL, o); }
    public Tensor div(Tensor o) { return binary(BinaryOp.DIV, o); }
    public Tensor max(Tensor o) { return binary(BinaryOp.MAX, o); }
    public Tensor min(Tensor o) { return binary(BinaryOp.MIN, o); }
    public Tensor pow(Tensor o) { return binary(BinaryOp.POW, o); }
    public Tensor eq(Tensor o) { return binary(BinaryOp.EQ, o); }
    public Tensor ne(Tensor o) { return binary(BinaryOp.NE, o); }
    public Tensor lt(Tensor o) { return binary(BinaryOp.LT, o); }
    public Tensor le(Tensor o) { return binary(BinaryOp.LE, o); }
    public Tensor gt(Tensor o) { return binary(BinaryOp.GT, o); }
    public Tensor ge(Tensor o) { return binary(BinaryOp.GE, o); }

    public Tensor add(double s) { return binary(BinaryOp.ADD, s); }
    public Tensor sub(double s) { return binary(BinaryOp.SUB, s); }
    public Tensor mul(double s) { return binary(BinaryOp.MUL, s); }
    public Tensor div(double s) { return binary(BinaryOp.DIV, s); }
    public Tensor max(double s) { return binary(BinaryOp.MAX, s); }
    public Tensor min(double s) { return binary(BinaryOp.MIN, s); }
    public Tensor pow(double s) { return binary(BinaryOp.POW, s); }
    public Tensor eq(double s) { return binary(BinaryOp.EQ, s); }
    public Tensor ne(double s) { return binary(BinaryOp.NE, s); }
    public Tensor lt(double s) { return binary(BinaryOp.LT, s); }
    public Tensor le(double s) { return binary(BinaryOp.LE, s); }
    public Tensor gt(double s) { return binary(BinaryOp.GT, s); }
    public Tensor ge(double s) { return binary(BinaryOp.GE, s); }

    /** cond ≠ 0 ? a : b, elementwise, with all three broadcast together. */
    public static Tensor where(Tensor cond, Tensor a, Tensor b) {
        cond.sameDevice("where", a);
        cond.sameDevice("where", b);
        Shape s = Shape.broadcast("where", Shape.broadcast("where", cond.shape, a.shape), b.shape);
        DType dt = DType.promote(a.dtype(), b.dtype());
        Tensor out = zeros(dt, s, a.device());
        Tensor a2 = a.to(dt);
        Tensor b2 = b.to(dt);
        out.backend().where(cond.to(dt), a2, b2, out);
        return out.record("where", g -> {
            Tensor zero = zeros(g.dtype(), Shape.scalar(), g.device());
            return new Tensor[] {a2.requiresGrad ? where(cond, g, zero).sumTo(a2.shape) : null,
                                 b2.requiresGrad ? where(cond, zero, g).sumTo(b2.shape) : null};
        }, a2, b2);
    }

    // ---------------------------------------------------------------- reductions

    /** Sum of all elements, as a scalar tensor. */
    public Tensor sum() { return reduce(ReduceOp.SUM, allAxes(), false); }
    public Tensor sum(int axis) { return reduce(ReduceOp.SUM, new int[] {axis}, false); }
    public Tensor sum(int[] axes, boolean keepDim) { return reduce(ReduceOp.SUM, axes, keepDim); }

    /** Largest element (NaN if any is NaN). */
    public Tensor max() { return reduce(ReduceOp.MAX, allAxes(), false); }
    public Tensor max(int[] axes, boolean keepDim) { return reduce(ReduceOp.MAX, axes, keepDim); }
    public Tensor min() { return reduce(ReduceOp.MIN, allAxes(), false); }
    public Tensor min(int[] axes, boolean keepDim) { return reduce(ReduceOp.MIN, axes, keepDim); }

    public Tensor mean() { return mean(allAxes(), false); }
    public Tensor mean(int axis) { return mean(new int[] {axis}, false); }

    public Tensor mean(int[] axes, boolean keepDim) {
        return sum(axes, keepDim).div(count(axes));
    }

    /**
     * Variance over {@code axes}: Σ(x − mean)² / (N − correction). correction 0 is the biased (population)
     * variance batch normalization uses; 1 is PyTorch's default unbiased estimate.
     */
    public Tensor var(int[] axes, boolean keepDim, int correction) {
        Tensor centered = sub(mean(axes, true));
        return centered.square().sum(axes, keepDim).div(Math.max(count(axes) - correction, 0));
    }

    /** Index of the first maximum along {@code axis} (NaN counts as the maximum), as float values. */
    public Tensor argmax(int axis, boolean keepDim) {
        return argReduce(ReduceOp.MAX, axis, keepDim);
    }

    public Tensor argmin(int axis, boolean keepDim) {
        return argReduce(ReduceOp.MIN, axis, keepDim);
    }

    private Tensor argReduce(ReduceOp op, int axis, boolean keepDim) {
        int a = shape.normalizeAxis(axis);
        if (shape.dim(a) == 0) throw new IllegalArgumentException("arg" + op.name().toLowerCase() + " over empty axis " + a + " of shape " + shape);
        Tensor out = zeros(dtype(), shape.withDim(a, 1), device());
        backend().argReduce(op, this, a, out);
        return keepDim ? out : out.squeeze(a);
    }

    private int[] allAxes() {
        int[] axes = new int[rank()];
        for (int i = 0; i < axes.length; i++) axes[i] = i;
        return axes;
    }

    private int count(int[] axes) {
        int n = 1;
        for (int a : normalizeAxes("reduce", axes)) n *= shape.dim(a);
        return n;
    }

    private int[] normalizeAxes(String op, int[] axes) {
        boolean[] in = new boolean[rank()];
        for (int axis : axes) {
            int a = shape.normalizeAxis(axis);
            if (in[a]) throw new IllegalArgumentException(op + ": axis " + axis + " given twice for shape " + shape);
            in[a] = true;
        }
        int[] sorted = new int[axes.length];
        for (int a = 0, j = 0; a < rank(); a++) if (in[a]) sorted[j++] = a;
        return sorted;
    }

    // Reduces each maximal run of adjacent axes in turn, keeping reduced axes as extent 1 meanwhile.
    private Tensor reduce(ReduceOp op, int[] axes, boolean keepDim) {
        int[] sorted = normalizeAxes(op.name().toLowerCase(), axes);
        Tensor t = this;
        int i = sorted.length - 1;
        while (i >= 0) {
            int to = sorted[i] + 1;
            int from = sorted[i];
            while (i > 0 && sorted[i - 1] == from - 1) from = sorted[--i];
            i--;
            int[] d = t.dims();
            for (int a = from; a < to; a++) d[a] = 1;
            Tensor out = zeros(dtype(), Shape.of(d), device());
            backend().reduce(op, t, from, to, out);
            t = out;
        }
        if (t == this) t = GradMode.noGrad(this::copy);
        Tensor kept = t;
        int[] keptDims = t.dims();
        int[] full = dims();
        t.record(op.name().toLowerCase(), g -> switch (op) {
            case SUM -> new Tensor[] {g.reshape(keptDims).expand(full)};
            case MAX, MIN -> { // to every position that attains the extreme, shared equally among ties
                Tensor hits = eq(kept.detach());
                yield new Tensor[] {g.reshape(keptDims).mul(hits).div(hits.sum(sorted, true))};
            }
        }, this);
        if (keepDim) return t;
        int[] d = new int[rank() - sorted.length];
        for (int a = 0, j = 0, k = 0; a < rank(); a++) {
            if (k < sorted.length && sorted[k] == a) k++;
            else d[j++] = shape.dim(a);
        }
        return t.reshape(d);
    }

    /** Softmax along {@code axis}, stable for any input scale. */
    public Tensor softmax(int axis) {
        return softmax(axis, false);
    }

    /** log softmax along {@code axis}: x − logsumexp(x), without forming the softmax. */
    public Tensor logSoftmax(int axis) {
        return softmax(axis, true);
    }

    private Tensor softmax(int axis, boolean log) {
        int a = shape.normalizeAxis(axis);
        Tensor out = zeros(dtype(), shape, device());
        if (size() > 0) backend().softmax(this, a, log, out);
        int[] ax = {a};
        return out.record(log ? "logSoftmax" : "softmax", g -> new Tensor[] {log
                ? g.sub(out.exp().mul(g.sum(ax, true)))
                : g.mul(out).sub(out.mul(g.mul(out).sum(ax, true)))}, this);
    }

    /** log Σ exp along {@code axis}, stable. */
    public Tensor logSumExp(int axis, boolean keepDim) {
        int a = shape.normalizeAxis(axis);
        Tensor out = zeros(dtype(), shape.withDim(a, 1), device());
        if (shape.dim(a) == 0) out.fill(Double.NEGATIVE_INFINITY);
        else if (out.size() > 0) backend().logSumExp(this, a, out);
        out.record("logSumExp", g -> new Tensor[] {g.mul(sub(out).exp())}, this);
        return keepDim ? out : out.squeeze(a);
    }

    // ---------------------------------------------------------------- linear algebra

    /** Matrix product with NumPy semantics (1-d operands promoted and squeezed, batch axes broadcast). */
    public Tensor matmul(Tensor other) {
        return matmul(other, false, false);
    }

    /**
     * op(this)·op(other), where op transposes the last two axes when its flag is set — without
     * materializing the transpose (the GEMM reads it transposed). Operands must have rank ≥ 2 when
     * transposed; batch axes broadcast as in NumPy.
     */
    public Tensor matmul(Tensor other, boolean transposeThis, boolean transposeOther) {
        sameDevice("matmul", other);
        if (rank() == 0 || other.rank() == 0) throw new IllegalArgumentException("matmul: scalar operand, shapes " + shape + " and " + other.shape);
        if ((transposeThis && rank() < 2) || (transposeOther && other.rank() < 2)) {
            throw new IllegalArgumentException("matmul: a transposed operand needs rank ≥ 2, shapes " + shape + " and " + other.shape);
        }
        boolean vecA = rank() == 1;
        boolean vecB = other.rank() == 1;
        Tensor a = vecA ? reshape(1, size()) : this;
        Tensor b = vecB ? other.reshape(other.size(), 1) : other;
        DType dt = DType.promote(a.dtype(), b.dtype());
        a = a.to(dt);
        b = b.to(dt);
        int m = a.dim(transposeThis ? -1 : -2);
        int ka = a.dim(transposeThis ? -2 : -1);
        int kb = b.dim(transposeOther ? -1 : -2);
        int n = b.dim(transposeOther ? -2 : -1);
        if (ka != kb) {
            throw new IllegalArgumentException("matmul: inner dimensions differ, shapes " + shape + (transposeThis ? "ᵀ" : "")
                    + " and " + other.shape + (transposeOther ? "ᵀ" : "") + " (" + ka + " vs " + kb + ")");
        }
        Shape batchA = Shape.of(Arrays.copyOf(a.dims(), a.rank() - 2));
        Shape batchB = Shape.of(Arrays.copyOf(b.dims(), b.rank() - 2));
        Shape batch = Shape.broadcast("matmul (batch axes)", batchA, batchB);
        a = alignBatch(a, batchA, batch);
        b = alignBatch(b, batchB, batch);
        Tensor out3 = zeros(dt, Shape.of(batch.size(), m, n), device());
        backend().matmul(a, transposeThis, b, transposeOther, out3);
        Tensor a3 = a;
        Tensor b3 = b;
        out3.record("matmul", g -> matmulGrad(a3, transposeThis, b3, transposeOther, g), a3, b3);
        int[] od = Arrays.copyOf(batch.dims(), batch.rank() + 2);
        od[batch.rank()] = m;
        od[batch.rank() + 1] = n;
        Tensor out = out3.reshape(od);
        if (vecA) out = out.squeeze(-2);
        if (vecB) out = out.squeeze(-1);
        return out;
    }

    // For out = op(a)·op(b) over 3-d operands: ∂L/∂a = g·op(b)ᵀ (transposed back if a was read transposed),
    // ∂L/∂b = op(a)ᵀ·g (likewise); an operand shared across the batch gets the sum over the batch.
    private static Tensor[] matmulGrad(Tensor a, boolean ta, Tensor b, boolean tb, Tensor g) {
        Tensor ga = null;
        Tensor gb = null;
        if (a.requiresGrad) {
            ga = ta ? b.matmul(g, tb, true) : g.matmul(b, false, !tb);
            if (a.dim(0) == 1 && ga.dim(0) != 1) ga = ga.sum(new int[] {0}, true);
        }
        if (b.requiresGrad) {
            gb = tb ? g.matmul(a, true, ta) : a.matmul(g, !ta, false);
            if (b.dim(0) == 1 && gb.dim(0) != 1) gb = gb.sum(new int[] {0}, true);
        }
        return new Tensor[] {ga, gb};
    }

    // A 3-d view [B or 1, r, c] of an operand whose batch axes broadcast to `batch`.
    private static Tensor alignBatch(Tensor t, Shape own, Shape batch) {
        int r = t.dim(-2);
        int c = t.dim(-1);
        if (own.size() == 1) return t.reshape(1, r, c);
        if (own.size() == batch.size()) return t.reshape(batch.size(), r, c);
        int[] full = Arrays.copyOf(batch.dims(), batch.rank() + 2);
        full[batch.rank()] = r;
        full[batch.rank() + 1] = c;
        return t.expand(full).reshape(batch.size(), r, c);
    }

    /** Outer product of two vectors: [m] × [n] → [m, n]. */
    public Tensor outer(Tensor other) {
        if (rank() != 1 || other.rank() != 1) throw new IllegalArgumentException("outer: needs two vectors, got shapes " + shape + " and " + other.shape);
        return reshape(size(), 1).matmul(other.reshape(1, other.size()));
    }

    // ---------------------------------------------------------------- convolution and pooling

    /** The window geometry of a 2-d convolution or pooling over this {@code [N, C, H, W]} tensor. */
    public ConvGeometry window(int kernelH, int kernelW, int strideH, int strideW, int padH, int padW, int dilationH, int dilationW) {
        if (rank() != 4) throw new IllegalArgumentException("2-d convolution/pooling needs an [N, C, H, W] input, got shape " + shape);
        return new ConvGeometry(shape.dim(1), shape.dim(2), shape.dim(3), kernelH, kernelW, strideH, strideW, padH, padW, dilationH, dilationW);
    }

    /**
     * The column matrices of this {@code [N, C, H, W]} tensor: {@code [N, C·kh·kw, OH·OW]}, row
     * {@code (c·kh + i)·kw + j} holding kernel tap (i, j) of channel c (zero in the padding). Also the
     * "patches" K-FAC's convolution factors are built from.
     */
    public Tensor im2col(ConvGeometry g) {
        checkWindowInput("im2col", g);
        Tensor cols = zeros(dtype(), Shape.of(shape.dim(0), g.colRows(), g.outputPlaneSize()), device());
        backend().im2col(this, g, cols);
        return cols.record("im2col", grad -> new Tensor[] {grad.col2im(g)}, this);
    }

    /** The adjoint of {@link #im2col}: columns {@code [N, C·kh·kw, OH·OW]} summed back into {@code [N, C, H, W]}. */
    public Tensor col2im(ConvGeometry g) {
        if (rank() != 3 || shape.dim(1) != g.colRows() || shape.dim(2) != g.outputPlaneSize()) {
            throw new IllegalArgumentException("col2im: shape " + shape + " is not [N, " + g.colRows() + ", " + g.outputPlaneSize() + "] for " + g);
        }
        Tensor x = zeros(dtype(), Shape.of(shape.dim(0), g.channels(), g.height(), g.width()), device());
        backend().col2im(this, g, x);
        return x.record("col2im", grad -> new Tensor[] {grad.im2col(g)}, this);
    }

    /**
     * 2-d cross-correlation (what deep-learning libraries call convolution) of this {@code [N, C, H, W]}
     * tensor with {@code weight [F, C, kh, kw]}, plus {@code bias [F]} when not null: im2col, then one
     * matrix product per image. Result {@code [N, F, OH, OW]}.
     */
    public Tensor conv2d(Tensor weight, Tensor bias, int strideH, int strideW, int padH, int padW, int dilationH, int dilationW) {
        if (weight.rank() != 4) throw new IllegalArgumentException("conv2d: weight must be [F, C, kh, kw], got shape " + weight.shape);
        if (rank() != 4 || weight.dim(1) != dim(1)) {
            throw new IllegalArgumentException("conv2d: input " + shape + " and weight " + weight.shape + " disagree on channels (need [N, C, H, W] and [F, C, kh, kw])");
        }
        int f = weight.dim(0);
        if (bias != null && (bias.rank() != 1 || bias.dim(0) != f)) {
            throw new IllegalArgumentException("conv2d: bias must be [" + f + "], got shape " + bias.shape);
        }
        ConvGeometry g = window(weight.dim(2), weight.dim(3), strideH, strideW, padH, padW, dilationH, dilationW);
        Tensor out = weight.reshape(f, g.colRows()).matmul(im2col(g)).reshape(dim(0), f, g.outHeight(), g.outWidth());
        return bias == null ? out : out.add(bias.reshape(1, f, 1, 1));
    }

    /** Square-kernel {@link #conv2d(Tensor, Tensor, int, int, int, int, int, int)} without dilation. */
    public Tensor conv2d(Tensor weight, Tensor bias, int stride, int padding) {
        return conv2d(weight, bias, stride, stride, padding, padding, 1, 1);
    }

    /** Max-pooled values and the winners' in-plane indices {@code ih·W + iw} (as float values). */
    public record Pooled(Tensor values, Tensor indices) {}

    /** 2-d max pooling over {@code g}'s window: values {@code [N, C, OH, OW]} and argmax indices. */
    public Pooled maxPool2d(ConvGeometry g) {
        checkWindowInput("maxPool2d", g);
        if (dtype() == DType.FLOAT32 && g.inputPlaneSize() > (1 << 24)) {
            throw new IllegalArgumentException("maxPool2d: a " + g.height() + "x" + g.width() + " plane has indices float32 cannot hold exactly; use float64");
        }
        Shape s = Shape.of(dim(0), g.channels(), g.outHeight(), g.outWidth());
        Tensor out = zeros(dtype(), s, device());
        Tensor idx = zeros(dtype(), s, device());
        backend().maxPool(this, g, out, idx);
        out.record("maxPool2d", grad -> new Tensor[] {maxPool2dBackward(grad, idx, g)}, this);
        return new Pooled(out, idx);
    }

    /** Square-window max pooling. */
    public Tensor maxPool2d(int kernel, int stride, int padding) {
        return maxPool2d(window(kernel, kernel, stride, stride, padding, padding, 1, 1)).values();
    }

    /** The gradient of max pooling: gradOut scattered (summed) to the argmax positions of an input of {@code g}'s shape. */
    public static Tensor maxPool2dBackward(Tensor gradOut, Tensor indices, ConvGeometry g) {
        Tensor gradIn = zeros(gradOut.dtype(), Shape.of(gradOut.dim(0), g.channels(), g.height(), g.width()), gradOut.device());
        Tensor idx = indices.to(gradOut.dtype());
        gradOut.backend().maxPoolBackward(gradOut, idx, g, gradIn);
        return gradIn.record("maxPool2dBackward", gg -> new Tensor[] {maxPoolGather(gg, idx, g)}, gradOut);
    }

    // out[n, c, o] = x[n, c, indices[n, c, o]]: the adjoint of maxPool2dBackward (its own adjoint is that op).
    private static Tensor maxPoolGather(Tensor x, Tensor indices, ConvGeometry g) {
        Tensor out = zeros(x.dtype(), indices.shape, x.device());
        x.backend().maxPoolGather(x, indices, g, out);
        return out.record("maxPoolGather", gg -> new Tensor[] {maxPool2dBackward(gg, indices, g)}, x);
    }

    /** 2-d average pooling; {@code countIncludePad} as PyTorch's {@code count_include_pad}. */
    public Tensor avgPool2d(ConvGeometry g, boolean countIncludePad) {
        checkWindowInput("avgPool2d", g);
        Tensor out = zeros(dtype(), Shape.of(dim(0), g.channels(), g.outHeight(), g.outWidth()), device());
        backend().avgPool(this, g, countIncludePad, out);
        return out.record("avgPool2d", grad -> new Tensor[] {avgPool2dBackward(grad, g, countIncludePad)}, this);
    }

    /** Square-window average pooling, padding counted in the divisor (PyTorch's default). */
    public Tensor avgPool2d(int kernel, int stride, int padding) {
        return avgPool2d(window(kernel, kernel, stride, stride, padding, padding, 1, 1), true);
    }

    /** The gradient of average pooling (its adjoint applied to gradOut). */
    public static Tensor avgPool2dBackward(Tensor gradOut, ConvGeometry g, boolean countIncludePad) {
        Tensor gradIn = zeros(gradOut.dtype(), Shape.of(gradOut.dim(0), g.channels(), g.height(), g.width()), gradOut.device());
        gradOut.backend().avgPoolBackward(gradOut, g, countIncludePad, gradIn);
        return gradIn.record("avgPool2dBackward", gg -> new Tensor[] {gg.avgPool2d(g, countIncludePad)}, gradOut);
    }

    private void checkWindowInput(String op, ConvGeometry g) {
        if (rank() != 4 || dim(1) != g.channels() || dim(2) != g.height() || dim(3) != g.width()) {
            throw new IllegalArgumentException(op + ": input shape " + shape + " does not match " + g
                    + " (expected [N, " + g.channels() + ", " + g.height() + ", " + g.width() + "])");
        }
    }

    // ---------------------------------------------------------------- misc

    private void sameDevice(String op, Tensor other) {
        if (!device().equals(other.device())) {
            throw new IllegalArgumentException(op + ": tensors on different devices (" + device() + " and " + other.device() + ")");
        }
    }

    /** Shape, dtype and — for small tensors — the values. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Tensor").append(shape).append(' ').append(dtype().name().toLowerCase());
        if (!device().equals(Device.CPU)) sb.append(" on ").append(device());
        if (size() <= 64) sb.append(' ').append(Arrays.toString(toDoubleArray()));
        return sb.toString();
    }
}
