using System.Runtime.CompilerServices;
using System.Threading.Channels;
using CaptureChain.Pipeline.Runner;

namespace CaptureChain.Pipeline.Tests;

public sealed class StageChainTests
{
    private static readonly TimeSpan Patience = Build.Patience;

    private static async Task FeedAsync<T>(StageChain<T> chain, IEnumerable<T> items, CancellationToken ct = default)
    {
        foreach (var item in items) await chain.Input.WriteAsync(item, ct);
        chain.Input.Complete();
    }

    /// <summary>Waits until <paramref name="condition"/> holds; fails the test when it never does.</summary>
    private static async Task EventuallyAsync(Func<bool> condition, string what)
    {
        var limit = DateTime.UtcNow + Patience;
        while (!condition())
        {
            if (DateTime.UtcNow > limit) throw new TimeoutException($"never happened: {what}");
            await Task.Delay(10);
        }
    }

    private static async IAsyncEnumerable<string> TwoHalves(string item, [EnumeratorCancellation] CancellationToken ct)
    {
        yield return item + ":a";
        await Task.Yield();
        ct.ThrowIfCancellationRequested();
        yield return item + ":b";
    }

    [Fact]
    public async Task Items_flow_through_every_stage_in_arrival_order_with_one_worker_per_stage()
    {
        var seenByFirst = new List<int>(); // one worker: no concurrent access
        var chain = StageChain<int>.Start(capacity: 4, CancellationToken.None);
        var tail = chain.Head
            .Then(TestStage<int, string>.MapAsync("number", async (n, ct) =>
            {
                seenByFirst.Add(n);
                // Uneven timing, so order cannot come from every item taking the same time.
                if (n % 3 == 0) await Task.Delay(2, ct); else await Task.Yield();
                return $"#{n}";
            }), parallelism: 1, capacity: 2)
            .Then(new TestStage<string, string>("split", TwoHalves), parallelism: 1, capacity: 3)
            .Then(TestStage<string, string>.Map("upper", s => s.ToUpperInvariant()), parallelism: 1, capacity: 1);

        var feeding = FeedAsync(chain, Enumerable.Range(1, 30));
        var outputs = await Build.ToListAsync(tail.Tail.ReadAllAsync());
        await feeding.WaitAsync(Patience);
        await tail.Completion.WaitAsync(Patience);

        outputs.Should().Equal(Enumerable.Range(1, 30).SelectMany(n => new[] { $"#{n}:A", $"#{n}:B" }));
        seenByFirst.Should().Equal(Enumerable.Range(1, 30));
        chain.Metrics.Select(m => m.Name).Should().Equal("number", "split", "upper");
        chain.Metrics.Select(m => m.Parallelism).Should().Equal(1, 1, 1);
        chain.Metrics.Select(m => m.Processed).Should().Equal(30L, 30L, 60L);
        chain.Metrics.Should().OnlyContain(m => m.Faulted == 0 && m.InFlight == 0 && m.QueueDepth == 0);
    }

    [Fact]
    public async Task With_several_workers_every_item_comes_out_exactly_once()
    {
        const int workers = 4;
        var inside = 0;
        var allWorkersBusy = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var chain = StageChain<int>.Start(capacity: 8, CancellationToken.None);
        var tail = chain.Head
            .Then(TestStage<int, int>.MapAsync("work", async (n, ct) =>
            {
                if (Interlocked.Increment(ref inside) == workers) allWorkersBusy.TrySetResult();
                // The first items wait until every worker holds one: proves the workers really run side by side.
                if (n <= workers) await allWorkersBusy.Task.WaitAsync(Patience, ct);
                else await Task.Delay(n % 3, ct);
                Interlocked.Decrement(ref inside);
                return n;
            }, (n, _) => [-n]), parallelism: workers, capacity: 4)
            .Then(TestStage<int, int>.Map("scale", n => n * 10), parallelism: 2, capacity: 4);

        var feeding = FeedAsync(chain, Enumerable.Range(1, 200));
        var outputs = await Build.ToListAsync(tail.Tail.ReadAllAsync());
        await feeding.WaitAsync(Patience);
        await tail.Completion.WaitAsync(Patience);

        outputs.Should().HaveCount(200).And.OnlyHaveUniqueItems();
        outputs.Should().BeEquivalentTo(Enumerable.Range(1, 200).Select(n => n * 10));
        chain.Metrics.Select(m => m.Parallelism).Should().Equal(workers, 2);
        chain.Metrics.Select(m => m.Processed).Should().Equal(200L, 200L);
        chain.Metrics.Select(m => m.Faulted).Should().Equal(0L, 0L);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public async Task A_stage_that_throws_on_one_item_emits_its_fault_output_and_the_other_items_go_on(int parallelism)
    {
        var chain = StageChain<int>.Start(capacity: 4, CancellationToken.None);
        var tail = chain.Head
            .Then(TestStage<int, string>.Map("check",
                n => n is 4 or 7 ? throw new InvalidDataException($"bad item {n}") : $"ok {n}",
                (n, e) => [$"fault {n}: {e.Message}"]), parallelism, capacity: 2)
            .Then(TestStage<string, string>.Map("after", s => s + " seen"), parallelism: 1, capacity: 2);

        var feeding = FeedAsync(chain, Enumerable.Range(1, 10));
        var outputs = await Build.ToListAsync(tail.Tail.ReadAllAsync());
        await feeding.WaitAsync(Patience);
        await tail.Completion.WaitAsync(Patience);

        var expected = Enumerable.Range(1, 10)
            .Select(n => n is 4 or 7 ? $"fault {n}: bad item {n} seen" : $"ok {n} seen").ToList();
        if (parallelism == 1) outputs.Should().Equal(expected);
        else outputs.Should().BeEquivalentTo(expected);
        chain.Metrics[0].Processed.Should().Be(8);
        chain.Metrics[0].Faulted.Should().Be(2);
        chain.Metrics[1].Processed.Should().Be(10, "the fault outputs travel on like any other item");
        chain.Metrics[1].Faulted.Should().Be(0);
        tail.Completion.IsCompletedSuccessfully.Should().BeTrue();
    }

    [Fact]
    public async Task A_stage_that_yields_some_outputs_then_throws_passes_both_the_partial_and_the_fault_outputs()
    {
        static async IAsyncEnumerable<string> Expand(int n, [EnumeratorCancellation] CancellationToken ct)
        {
            yield return $"{n}:a";
            await Task.Yield();
            if (n == 2) throw new IOException("disk gone");
            yield return $"{n}:b";
        }

        var chain = StageChain<int>.Start(capacity: 4, CancellationToken.None);
        var tail = chain.Head.Then(new TestStage<int, string>("expand", Expand, (n, e) => [$"{n}:fault:{e.Message}"]),
            parallelism: 1, capacity: 4);

        var feeding = FeedAsync(chain, [1, 2, 3]);
        var outputs = await Build.ToListAsync(tail.Tail.ReadAllAsync());
        await feeding.WaitAsync(Patience);
        await tail.Completion.WaitAsync(Patience);

        outputs.Should().Equal("1:a", "1:b", "2:a", "2:fault:disk gone", "3:a", "3:b");
        chain.Metrics[0].Processed.Should().Be(2);
        chain.Metrics[0].Faulted.Should().Be(1);
    }

    [Fact]
    public async Task A_stage_cancelled_by_its_own_deadline_is_an_item_fault_not_a_chain_cancellation()
    {
        var chain = StageChain<int>.Start(capacity: 4, CancellationToken.None);
        var tail = chain.Head.Then(TestStage<int, string>.MapAsync("deadline", async (n, ct) =>
        {
            if (n == 2)
            {
                // A per-item time limit (like the OCR deadline) fires: OperationCanceledException, chain token untouched.
                using var deadline = new CancellationTokenSource();
                await deadline.CancelAsync();
                await Task.Delay(Timeout.Infinite, deadline.Token);
            }
            return $"ok {n}";
        }, (n, e) => [$"fault {n}: {e.GetType().Name}"]), parallelism: 1, capacity: 4);

        var feeding = FeedAsync(chain, [1, 2, 3]);
        var outputs = await Build.ToListAsync(tail.Tail.ReadAllAsync());
        await feeding.WaitAsync(Patience);
        await tail.Completion.WaitAsync(Patience);

        outputs.Should().Equal("ok 1", "fault 2: TaskCanceledException", "ok 3");
        chain.Metrics[0].Faulted.Should().Be(1);
    }

    [Fact]
    public async Task A_slow_consumer_makes_the_producer_wait_so_at_most_the_queues_and_workers_hold_items()
    {
        const int inputCapacity = 2, firstWorkers = 2, firstCapacity = 3, secondWorkers = 1, secondCapacity = 2, total = 100;
        // Queued items + one per worker + the one item the producer holds while its write waits.
        const int bound = inputCapacity + firstWorkers + firstCapacity + secondWorkers + secondCapacity + 1;
        var pulled = 0;
        IEnumerable<int> Source()
        {
            for (var i = 1; i <= total; i++)
            {
                Interlocked.Increment(ref pulled);
                yield return i;
            }
        }

        var chain = StageChain<int>.Start(inputCapacity, CancellationToken.None);
        var tail = chain.Head
            .Then(TestStage<int, int>.Map("first", n => n), firstWorkers, firstCapacity)
            .Then(TestStage<int, int>.Map("second", n => n), secondWorkers, secondCapacity);
        var producer = Task.Run(() => FeedAsync(chain, Source()));

        // Nobody reads the tail yet: wait until the chain is full and nothing moves any more.
        var last = -1;
        var stableSince = DateTime.UtcNow;
        await EventuallyAsync(() =>
        {
            var now = Volatile.Read(ref pulled);
            if (now != last) { last = now; stableSince = DateTime.UtcNow; }
            return DateTime.UtcNow - stableSince > TimeSpan.FromMilliseconds(300);
        }, "the chain fills up and stops pulling");

        producer.IsCompleted.Should().BeFalse("the producer must be waiting for room");
        pulled.Should().BeLessThanOrEqualTo(bound);
        pulled.Should().BeGreaterThan(inputCapacity + 1, "the stages took items too");
        chain.Metrics[0].QueueDepth.Should().Be(inputCapacity);

        // Now a consumer that reads slowly: items in the chain never exceed the bound.
        var outputs = new List<int>();
        using var limit = new CancellationTokenSource(Patience);
        await foreach (var n in tail.Tail.ReadAllAsync(limit.Token))
        {
            outputs.Add(n);
            Volatile.Read(ref pulled).Should().BeLessThanOrEqualTo(outputs.Count + bound);
            if (outputs.Count % 10 == 0) await Task.Delay(5);
        }
        await producer.WaitAsync(Patience);
        await tail.Completion.WaitAsync(Patience);

        outputs.Should().BeEquivalentTo(Enumerable.Range(1, total));
        pulled.Should().Be(total);
    }

    [Fact]
    public async Task Cancelling_stops_a_stage_busy_on_an_item_and_completion_reports_the_cancellation()
    {
        using var cts = new CancellationTokenSource();
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var chain = StageChain<int>.Start(capacity: 4, cts.Token);
        var tail = chain.Head
            .Then(TestStage<int, int>.MapAsync("stuck", async (n, ct) =>
            {
                entered.TrySetResult();
                await Task.Delay(Timeout.Infinite, ct);
                return n;
            }, (n, _) => [-n]), parallelism: 2, capacity: 2)
            .Then(TestStage<int, int>.Map("next", n => n), parallelism: 1, capacity: 2);

        // The input stays open, as with a watched folder that may still deliver files.
        await chain.Input.WriteAsync(1);
        await chain.Input.WriteAsync(2);
        await chain.Input.WriteAsync(3);
        await entered.Task.WaitAsync(Patience);
        await cts.CancelAsync();

        var completion = () => tail.Completion.WaitAsync(Patience);
        await completion.Should().ThrowAsync<OperationCanceledException>();
        var tailDone = () => tail.Tail.Completion.WaitAsync(Patience);
        await tailDone.Should().NotThrowAsync<TimeoutException>("a reader of the tail must not wait forever");
        chain.Metrics[0].Faulted.Should().Be(0, "a cancellation is not an item fault");
        chain.Metrics.Should().OnlyContain(m => m.InFlight == 0);
    }

    [Fact]
    public async Task Cancelling_while_every_queue_is_full_releases_the_blocked_workers_and_producer()
    {
        using var cts = new CancellationTokenSource();
        var chain = StageChain<int>.Start(capacity: 2, cts.Token);
        var tail = chain.Head
            .Then(TestStage<int, int>.Map("first", n => n), parallelism: 2, capacity: 2)
            .Then(TestStage<int, int>.Map("second", n => n), parallelism: 1, capacity: 1);
        var producer = Task.Run(() => FeedAsync(chain, Enumerable.Range(1, 1000), cts.Token));

        // Nobody reads the tail: everything fills up and every worker ends up waiting to write.
        await EventuallyAsync(() => chain.Metrics[0].QueueDepth == 2 && chain.Metrics[0].InFlight == 2 && chain.Metrics[1].InFlight == 1,
            "every queue full and every worker blocked");
        await cts.CancelAsync();

        var completion = () => tail.Completion.WaitAsync(Patience);
        await completion.Should().ThrowAsync<OperationCanceledException>();
        var feeding = () => producer.WaitAsync(Patience);
        await feeding.Should().ThrowAsync<OperationCanceledException>();
    }

    [Fact]
    public async Task A_chain_started_with_a_cancelled_token_ends_at_once()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        var chain = StageChain<int>.Start(capacity: 2, cts.Token);
        var tail = chain.Head.Then(TestStage<int, int>.Map("only", n => n), parallelism: 2, capacity: 2);

        var completion = () => tail.Completion.WaitAsync(Patience);
        await completion.Should().ThrowAsync<OperationCanceledException>();
    }

    [Fact]
    public async Task An_empty_input_completes_the_chain_and_its_tail()
    {
        var chain = StageChain<int>.Start(capacity: 2, CancellationToken.None);
        var tail = chain.Head
            .Then(TestStage<int, int>.Map("first", n => n), parallelism: 3, capacity: 2)
            .Then(TestStage<int, int>.Map("second", n => n), parallelism: 1, capacity: 2);
        chain.Input.Complete();

        (await Build.ToListAsync(tail.Tail.ReadAllAsync())).Should().BeEmpty();
        await tail.Completion.WaitAsync(Patience);
        chain.Metrics.Should().OnlyContain(m => m.Processed == 0 && m.Faulted == 0);
    }

    [Fact]
    public async Task An_input_completed_with_an_error_faults_the_completion_and_the_tail()
    {
        var chain = StageChain<int>.Start(capacity: 4, CancellationToken.None);
        var tail = chain.Head
            .Then(TestStage<int, int>.Map("first", n => n), parallelism: 2, capacity: 2)
            .Then(TestStage<int, int>.Map("second", n => n), parallelism: 1, capacity: 2);
        await chain.Input.WriteAsync(1);
        chain.Input.TryComplete(new InvalidOperationException("listing the inbox failed"));

        await Task.WhenAny(tail.Completion, Task.Delay(Patience));
        tail.Completion.IsFaulted.Should().BeTrue("the run could not proceed: it must not end as if it had");
        tail.Completion.Exception!.Flatten().InnerExceptions.Should().Contain(e => IsInboxFailure(e));

        // The item written before the failure still comes out; then the reader learns that the batch did not finish.
        var received = new List<int>();
        Exception? seen = null;
        try
        {
            using var limit = new CancellationTokenSource(Patience);
            await foreach (var n in tail.Tail.ReadAllAsync(limit.Token)) received.Add(n);
        }
        catch (Exception e)
        {
            seen = e;
        }
        // With several workers the reader may get an AggregateException holding the failure once per worker.
        seen.Should().NotBeNull().And.Match<Exception>(e =>
            IsInboxFailure(e) || (e is AggregateException && ((AggregateException)e).Flatten().InnerExceptions.All(IsInboxFailure)));
        received.Should().Equal(1);
        tail.Tail.Completion.IsFaulted.Should().BeTrue();
    }

    private static bool IsInboxFailure(Exception e) =>
        e.Message == "listing the inbox failed" || e.InnerException?.Message == "listing the inbox failed";

    // A worker dying of a runner failure (here OnFault itself throws) must stop the stages upstream too: otherwise
    // they wait forever to write into a queue nobody reads, and Completion hangs instead of faulting.
    [Fact]
    public async Task A_runner_failure_in_a_middle_stage_faults_completion_instead_of_hanging()
    {
        var chain = StageChain<int>.Start(capacity: 4, CancellationToken.None);
        var tail = chain.Head
            .Then(TestStage<int, int>.Map("upstream", n => n), parallelism: 1, capacity: 1)
            .Then(TestStage<int, int>.Map("broken", n => n == 1 ? throw new InvalidDataException("bad item") : n,
                (_, _) => throw new InvalidOperationException("OnFault itself failed")), parallelism: 1, capacity: 1);
        // Shorter than Patience: this test has been seen to hang, and a normal end takes milliseconds.
        var hangLimit = TimeSpan.FromSeconds(5);
        using var feedingLimit = new CancellationTokenSource(hangLimit);
        var producer = Task.Run(() => FeedAsync(chain, Enumerable.Range(1, 20), feedingLimit.Token));

        var completion = () => tail.Completion.WaitAsync(hangLimit);
        await completion.Should().ThrowAsync<InvalidOperationException>().WithMessage("OnFault itself failed");
        var drain = () => Build.ToListAsync(tail.Tail.ReadAllAsync());
        await drain.Should().ThrowAsync<InvalidOperationException>();
        // The producer is not left waiting on a dead chain: its next write fails with the runner's fault.
        var feeding = () => producer.WaitAsync(hangLimit);
        (await feeding.Should().ThrowAsync<System.Threading.Channels.ChannelClosedException>())
            .Which.InnerException.Should().BeOfType<InvalidOperationException>();
    }

    [Fact]
    public async Task Metrics_show_queue_depth_in_flight_items_and_counts_as_items_move()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var chain = StageChain<int>.Start(capacity: 10, CancellationToken.None);
        var tail = chain.Head
            .Then(TestStage<int, int>.Map("fast", n => n), parallelism: 1, capacity: 10)
            .Then(TestStage<int, int>.MapAsync("gated", async (n, ct) =>
            {
                await gate.Task.WaitAsync(ct);
                return n;
            }), parallelism: 1, capacity: 10);
        var fast = chain.Metrics[0];
        var gated = chain.Metrics[1];

        for (var i = 1; i <= 6; i++) await chain.Input.WriteAsync(i);
        await EventuallyAsync(() => fast.Processed == 6 && gated.InFlight == 1, "the fast stage passed all items on");

        fast.QueueDepth.Should().Be(0);
        fast.InFlight.Should().Be(0);
        gated.QueueDepth.Should().Be(5, "one item is inside the gated stage, five wait in its queue");
        gated.Processed.Should().Be(0);
        gated.Name.Should().Be("gated");

        gate.SetResult();
        chain.Input.Complete();
        var outputs = await Build.ToListAsync(tail.Tail.ReadAllAsync());
        await tail.Completion.WaitAsync(Patience);

        outputs.Should().Equal(1, 2, 3, 4, 5, 6);
        gated.Processed.Should().Be(6);
        gated.QueueDepth.Should().Be(0);
        gated.InFlight.Should().Be(0);
        gated.Busy.Should().BePositive();
        fast.Faulted.Should().Be(0);
    }

    [Fact]
    public void A_stage_needs_at_least_one_worker()
    {
        var chain = StageChain<int>.Start(capacity: 2, CancellationToken.None);
        var act = () => chain.Head.Then(TestStage<int, int>.Map("none", n => n), parallelism: 0, capacity: 2);
        act.Should().Throw<ArgumentOutOfRangeException>();
        chain.Metrics.Should().BeEmpty();
    }
}
