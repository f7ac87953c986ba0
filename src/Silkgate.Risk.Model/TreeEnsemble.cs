using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Microsoft.ML.Trainers.FastTree;

namespace Silkgate.Risk.Model;

/// <summary>
/// A boosted tree ensemble copied out of ML.NET's trained model into flat arrays, for fast scoring and for
/// per-feature contributions. Node i splits on <c>Feature[i]</c>: values ≤ <c>Threshold[i]</c> go left. A child
/// index &lt; 0 is leaf ~index. Every node also keeps its expected output (the training-weighted mean of its leaves),
/// so that a prediction can be split into the contributions of the features on its path (Saabas).
/// Many rows are scored in blocks of <see cref="BlockRows"/> (<see cref="RawOfRows"/>): every split of a tree is
/// compared for all rows of a block at once, and each row's leaf read off a bit mask of the leaves still possible
/// (QuickScorer): no branch on the data, where walking a path mispredicts at about every split.
/// </summary>
internal sealed class TreeEnsemble
{
    private sealed class Tree
    {
        public required int[] Feature { get; init; }
        public required float[] Threshold { get; init; }
        public required int[] Left { get; init; }
        public required int[] Right { get; init; }
        public required double[] Leaf { get; init; }
        public required double[] NodeValue { get; init; }
    }

    private readonly Tree[] _trees;

    /// <summary>All trees' nodes in one array, for scoring: children ≥ 0 index it, children &lt; 0 are ~leaf in <see cref="_leaves"/>.</summary>
    private readonly Node[] _nodes;
    private readonly double[] _leaves;
    private readonly int[] _roots;

    private readonly record struct Node(int Feature, float Threshold, int Left, int Right);

    /// <summary>Rows scored together by <see cref="RawOfRows"/>: the lanes of a 256-bit vector of floats.</summary>
    public const int BlockRows = 8;

    /// <summary>
    /// A split of the block layout: where its feature sits in a block (feature · <see cref="BlockRows"/>), its
    /// threshold, and the tree's leaves (bit i = i-th leaf from the left) a row can still reach once it goes right:
    /// all but those of the left subtree.
    /// </summary>
    private readonly record struct Split(int FeatureOffset, float Threshold, uint ReachableIfRight);

    /// <summary>Every tree's splits, tree after tree; null when a tree has more leaves than a mask holds (then rows are walked).</summary>
    private readonly Split[]? _splits;

    /// <summary>One past each tree's last split in <see cref="_splits"/>.</summary>
    private readonly int[] _splitEnd = [];

    /// <summary>Each tree's leaves from left to right, from <see cref="_leafStart"/>[tree] on.</summary>
    private readonly double[] _leavesLeftToRight = [];

    private readonly int[] _leafStart = [];

    /// <summary>True when blocks of rows are scored by leaf masks, false when each row is walked (for tests).</summary>
    internal bool ScoresBlocksByMask => _splits is not null;

    /// <summary>Platt calibration: probability = 1 / (1 + exp(Slope · raw + Offset)).</summary>
    public double Slope { get; }

    public double Offset { get; }

    public double Bias { get; }

    public int TreeCount => _trees.Length;

    private TreeEnsemble(Tree[] trees, double bias, double slope, double offset)
    {
        _trees = trees;
        Bias = bias;
        Slope = slope;
        Offset = offset;
        var nodes = new List<Node>();
        var leaves = new List<double>();
        _roots = new int[trees.Length];
        for (var t = 0; t < trees.Length; t++)
        {
            var tree = trees[t];
            int nodeBase = nodes.Count, leafBase = leaves.Count;
            int Map(int child) => child >= 0 ? nodeBase + child : ~(leafBase + ~child);
            for (var n = 0; n < tree.Feature.Length; n++)
                nodes.Add(new Node(tree.Feature[n], tree.Threshold[n], Map(tree.Left[n]), Map(tree.Right[n])));
            leaves.AddRange(tree.Leaf);
            _roots[t] = tree.Feature.Length == 0 ? ~leafBase : nodeBase;
        }
        _nodes = [.. nodes];
        _leaves = [.. leaves];
        _featureCount = nodes.Count == 0 ? 0 : nodes.Max(n => n.Feature) + 1;
        if (trees.All(t => t.Leaf.Length <= 32))
            (_splits, _splitEnd, _leavesLeftToRight, _leafStart) = BlockLayout(trees);
    }

    private static (Split[], int[], double[], int[]) BlockLayout(Tree[] trees)
    {
        var splits = new List<Split>();
        var leaves = new List<double>();
        var splitEnd = new int[trees.Length];
        var leafStart = new int[trees.Length];
        for (var t = 0; t < trees.Length; t++)
        {
            var tree = trees[t];
            leafStart[t] = leaves.Count;
            // In-order: a subtree's leaves are a run [first, next) of the left-to-right order; the leftmost leaf still
            // reachable after every split has cleared what it excludes is the row's leaf.
            (int First, int Next) Visit(int node)
            {
                if (node < 0)
                {
                    leaves.Add(tree.Leaf[~node]);
                    var at = leaves.Count - 1 - leafStart[t];
                    return (at, at + 1);
                }
                var left = Visit(tree.Left[node]);
                var right = Visit(tree.Right[node]);
                var leftLeaves = ((1UL << (left.Next - left.First)) - 1) << left.First;
                splits.Add(new Split(tree.Feature[node] * BlockRows, tree.Threshold[node], (uint)~leftLeaves));
                return (left.First, right.Next);
            }
            Visit(tree.Feature.Length == 0 ? ~0 : 0);
            splitEnd[t] = splits.Count;
        }
        return ([.. splits], splitEnd, [.. leaves], leafStart);
    }

    /// <summary>One more than the highest feature index any split reads.</summary>
    private readonly int _featureCount;

    /// <summary>Copies ML.NET's ensemble; node values come from routing <paramref name="training"/> through it.</summary>
    public static TreeEnsemble From(RegressionTreeEnsemble ensemble, double slope, double offset, IReadOnlyList<float[]> training)
    {
        var trees = new Tree[ensemble.Trees.Count];
        for (var t = 0; t < trees.Length; t++)
        {
            var src = ensemble.Trees[t];
            var weight = ensemble.TreeWeights[t];
            if (src.CategoricalSplitFlags.Any(c => c))
                throw new NotSupportedException("categorical splits are not used by this model");
            var nodes = src.NumberOfNodes;
            trees[t] = new Tree
            {
                Feature = [.. src.NumericalSplitFeatureIndexes],
                Threshold = [.. src.NumericalSplitThresholds],
                Left = [.. src.LeftChild],
                Right = [.. src.RightChild],
                Leaf = [.. src.LeafValues.Select(v => v * weight)],
                NodeValue = new double[nodes],
            };
            if (nodes == 0 && trees[t].Leaf.Length != 1)
                throw new InvalidDataException("a tree without splits must have one leaf");
        }
        var model = new TreeEnsemble(trees, ensemble.Bias, slope, offset);
        model.ComputeNodeValues(training);
        return model;
    }

    /// <summary>
    /// One ensemble whose raw score is the mean of the members' raw scores (every leaf and node value divided by
    /// their number); its calibration is the members' mean slope and offset.
    /// </summary>
    public static TreeEnsemble Average(IReadOnlyList<TreeEnsemble> members)
    {
        if (members.Count == 1)
            return members[0];
        var w = 1.0 / members.Count;
        var trees = members.SelectMany(m => m._trees).Select(t => new Tree
        {
            Feature = t.Feature,
            Threshold = t.Threshold,
            Left = t.Left,
            Right = t.Right,
            Leaf = [.. t.Leaf.Select(v => v * w)],
            NodeValue = [.. t.NodeValue.Select(v => v * w)],
        }).ToArray();
        return new TreeEnsemble(trees, members.Average(m => m.Bias), members.Average(m => m.Slope), members.Average(m => m.Offset));
    }

    private void ComputeNodeValues(IReadOnlyList<float[]> training)
    {
        foreach (var tree in _trees)
        {
            var nodes = tree.Feature.Length;
            if (nodes == 0)
                continue;
            var leafCount = new long[tree.Leaf.Length];
            foreach (var x in training)
                leafCount[LeafOf(tree, x)]++;
            var sum = new double[nodes];
            var count = new long[nodes];
            // Post-order accumulation: a node's subtree is summed from its children.
            (double Sum, long Count) Walk(int node)
            {
                if (node < 0)
                {
                    var leaf = ~node;
                    return (tree.Leaf[leaf] * leafCount[leaf], leafCount[leaf]);
                }
                var (ls, lc) = Walk(tree.Left[node]);
                var (rs, rc) = Walk(tree.Right[node]);
                sum[node] = ls + rs;
                count[node] = lc + rc;
                return (sum[node], count[node]);
            }
            Walk(0);
            for (var n = 0; n < nodes; n++)
                tree.NodeValue[n] = count[n] > 0 ? sum[n] / count[n] : 0;
        }
    }

    private static int LeafOf(Tree tree, ReadOnlySpan<float> x)
    {
        if (tree.Feature.Length == 0)
            return 0;
        var node = 0;
        while (true)
        {
            node = x[tree.Feature[node]] <= tree.Threshold[node] ? tree.Left[node] : tree.Right[node];
            if (node < 0)
                return ~node;
        }
    }

    /// <summary>The raw (uncalibrated) score: bias plus every tree's leaf.</summary>
    public double Raw(ReadOnlySpan<float> x)
    {
        if (x.Length < _featureCount)
            throw new ArgumentException($"expected {_featureCount} features, got {x.Length}", nameof(x));
        // Indexes were validated when the ensemble was built or read: walk without bounds checks.
        var s = Bias;
        ref var node0 = ref MemoryMarshal.GetArrayDataReference(_nodes);
        ref var leaf0 = ref MemoryMarshal.GetArrayDataReference(_leaves);
        ref var x0 = ref MemoryMarshal.GetReference(x);
        foreach (var root in _roots)
        {
            var node = root;
            while (node >= 0)
            {
                ref readonly var n = ref Unsafe.Add(ref node0, node);
                node = Unsafe.Add(ref x0, n.Feature) <= n.Threshold ? n.Left : n.Right;
            }
            s += Unsafe.Add(ref leaf0, ~node);
        }
        return s;
    }

    /// <summary>
    /// The raw scores of many rows: <paramref name="features"/> holds rows of <paramref name="stride"/> features one
    /// after another, <paramref name="rows"/> says which to score, and row r's score goes to <paramref name="raw"/>[r].
    /// Each equals <see cref="Raw"/> of that row to the bit: the same leaves, added in the same order.
    /// </summary>
    public void RawOfRows(ReadOnlySpan<float> features, int stride, ReadOnlySpan<int> rows, Span<double> raw)
    {
        if (stride < _featureCount)
            throw new ArgumentException($"expected {_featureCount} features, got {stride}", nameof(stride));
        if (_splits is null || !Vector256.IsHardwareAccelerated)
        {
            foreach (var r in rows)
                raw[r] = Raw(features.Slice(r * stride, stride));
            return;
        }
        Span<float> block = stackalloc float[Math.Max(1, _featureCount) * BlockRows];
        Span<double> sums = stackalloc double[BlockRows];
        for (var first = 0; first < rows.Length; first += BlockRows)
        {
            var lanes = Math.Min(BlockRows, rows.Length - first);
            for (var lane = 0; lane < BlockRows; lane++)
            {
                // A short last block repeats its last row in the spare lanes, whose sums are dropped.
                var row = features.Slice(rows[first + Math.Min(lane, lanes - 1)] * stride, _featureCount);
                for (var f = 0; f < row.Length; f++)
                    block[f * BlockRows + lane] = row[f];
            }
            RawBlock(block, sums);
            for (var lane = 0; lane < lanes; lane++)
                raw[rows[first + lane]] = sums[lane];
        }
    }

    /// <summary>Raw scores of one block: <paramref name="block"/>[f · BlockRows + lane] is feature f of the lane's row.</summary>
    private void RawBlock(ReadOnlySpan<float> block, Span<double> sums)
    {
        // Sizes were checked by the caller and splits validated when the ensemble was built or read.
        ref var split0 = ref MemoryMarshal.GetArrayDataReference(_splits!);
        ref var leaf0 = ref MemoryMarshal.GetArrayDataReference(_leavesLeftToRight);
        ref var x0 = ref MemoryMarshal.GetReference(block);
        double s0 = Bias, s1 = Bias, s2 = Bias, s3 = Bias, s4 = Bias, s5 = Bias, s6 = Bias, s7 = Bias;
        var k = 0;
        for (var t = 0; t < _splitEnd.Length; t++)
        {
            var reachable = Vector256<uint>.AllBitsSet;
            for (var end = _splitEnd[t]; k < end; k++)
            {
                ref readonly var split = ref Unsafe.Add(ref split0, k);
                var x = Vector256.LoadUnsafe(ref x0, (nuint)split.FeatureOffset);
                // x ≤ threshold goes left and keeps every leaf; otherwise (NaN too, as in Raw) the left subtree's go.
                var left = Vector256.LessThanOrEqual(x, Vector256.Create(split.Threshold)).AsUInt32();
                reachable &= left | Vector256.Create(split.ReachableIfRight);
            }
            ref var leaves = ref Unsafe.Add(ref leaf0, _leafStart[t]);
            s0 += Unsafe.Add(ref leaves, BitOperations.TrailingZeroCount(reachable.GetElement(0)));
            s1 += Unsafe.Add(ref leaves, BitOperations.TrailingZeroCount(reachable.GetElement(1)));
            s2 += Unsafe.Add(ref leaves, BitOperations.TrailingZeroCount(reachable.GetElement(2)));
            s3 += Unsafe.Add(ref leaves, BitOperations.TrailingZeroCount(reachable.GetElement(3)));
            s4 += Unsafe.Add(ref leaves, BitOperations.TrailingZeroCount(reachable.GetElement(4)));
            s5 += Unsafe.Add(ref leaves, BitOperations.TrailingZeroCount(reachable.GetElement(5)));
            s6 += Unsafe.Add(ref leaves, BitOperations.TrailingZeroCount(reachable.GetElement(6)));
            s7 += Unsafe.Add(ref leaves, BitOperations.TrailingZeroCount(reachable.GetElement(7)));
        }
        sums[0] = s0;
        sums[1] = s1;
        sums[2] = s2;
        sums[3] = s3;
        sums[4] = s4;
        sums[5] = s5;
        sums[6] = s6;
        sums[7] = s7;
    }

    /// <summary>Calibrated probability of the positive class.</summary>
    public double Probability(ReadOnlySpan<float> x) => Calibrate(Raw(x));

    public double Calibrate(double raw) => 1.0 / (1.0 + Math.Exp(Slope * raw + Offset));

    /// <summary>
    /// Adds each feature's contribution to the raw score into <paramref name="contributions"/>; returns the raw
    /// score's expected value (bias plus every root's value), so that expected + Σ contributions = raw.
    /// </summary>
    public double Contributions(ReadOnlySpan<float> x, Span<double> contributions)
    {
        var expected = Bias;
        foreach (var tree in _trees)
        {
            if (tree.Feature.Length == 0)
            {
                expected += tree.Leaf[0];
                continue;
            }
            expected += tree.NodeValue[0];
            var node = 0;
            while (node >= 0)
            {
                var next = x[tree.Feature[node]] <= tree.Threshold[node] ? tree.Left[node] : tree.Right[node];
                var value = next < 0 ? tree.Leaf[~next] : tree.NodeValue[next];
                contributions[tree.Feature[node]] += value - tree.NodeValue[node];
                node = next;
            }
        }
        return expected;
    }

    // ---- persistence ----

    private const string Magic = "silkgate-risk-trees";

    public void Write(BinaryWriter w)
    {
        w.Write(Magic);
        w.Write(Bias);
        w.Write(Slope);
        w.Write(Offset);
        w.Write(_trees.Length);
        foreach (var t in _trees)
        {
            w.Write(t.Feature.Length);
            w.Write(t.Leaf.Length);
            for (var n = 0; n < t.Feature.Length; n++)
            {
                w.Write(t.Feature[n]);
                w.Write(t.Threshold[n]);
                w.Write(t.Left[n]);
                w.Write(t.Right[n]);
                w.Write(t.NodeValue[n]);
            }
            foreach (var v in t.Leaf)
                w.Write(v);
        }
    }

    // Children come after their parent (trees grow by splitting leaves), so a valid file has no cycles.
    private static bool ValidChild(int child, int parent, int nodes, int leaves) =>
        child >= 0 ? child > parent && child < nodes : ~child < leaves;

    public static TreeEnsemble Read(BinaryReader r, int featureCount)
    {
        if (r.ReadString() != Magic)
            throw new InvalidDataException("not a tree ensemble");
        var bias = r.ReadDouble();
        var slope = r.ReadDouble();
        var offset = r.ReadDouble();
        var count = r.ReadInt32();
        if (count is < 0 or > 1_000_000)
            throw new InvalidDataException("tree count out of range");
        var trees = new Tree[count];
        for (var i = 0; i < trees.Length; i++)
        {
            var nodes = r.ReadInt32();
            var leaves = r.ReadInt32();
            if (nodes is < 0 or > 1_000_000 || leaves != nodes + 1)
                throw new InvalidDataException("a tree's node and leaf counts disagree");
            var t = new Tree
            {
                Feature = new int[nodes],
                Threshold = new float[nodes],
                Left = new int[nodes],
                Right = new int[nodes],
                Leaf = new double[leaves],
                NodeValue = new double[nodes],
            };
            for (var n = 0; n < nodes; n++)
            {
                t.Feature[n] = r.ReadInt32();
                t.Threshold[n] = r.ReadSingle();
                t.Left[n] = r.ReadInt32();
                t.Right[n] = r.ReadInt32();
                t.NodeValue[n] = r.ReadDouble();
                if (t.Feature[n] < 0 || t.Feature[n] >= featureCount || !ValidChild(t.Left[n], n, nodes, leaves)
                    || !ValidChild(t.Right[n], n, nodes, leaves))
                    throw new InvalidDataException("a tree refers to a feature or node that does not exist");
            }
            for (var l = 0; l < leaves; l++)
                t.Leaf[l] = r.ReadDouble();
            trees[i] = t;
        }
        return new TreeEnsemble(trees, bias, slope, offset);
    }
}
