using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.ML.Trainers.FastTree;

namespace Silkgate.Risk.Model;

/// <summary>
/// A boosted tree ensemble copied out of ML.NET's trained model into flat arrays, for fast scoring and for
/// per-feature contributions. Node i splits on <c>Feature[i]</c>: values ≤ <c>Threshold[i]</c> go left. A child
/// index &lt; 0 is leaf ~index. Every node also keeps its expected output (the training-weighted mean of its leaves),
/// so that a prediction can be split into the contributions of the features on its path (Saabas).
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
