namespace FragmentCache.Memcached.Connections;

/// <summary>The state of a server's circuit breaker.</summary>
internal enum CircuitState
{
    /// <summary>Healthy: requests flow.</summary>
    Closed,

    /// <summary>Down: requests are misses until the break ends.</summary>
    Open,

    /// <summary>The break ended; one probe decides.</summary>
    HalfOpen,
}

/// <summary>
/// Per-server breaker. <c>threshold</c> consecutive failures open it for a jittered break; when the break
/// ends one probe runs (half-open); its success closes the breaker, its failure reopens it with a doubled
/// break. A server that fails again soon after closing (flapping) keeps its doubled break instead of
/// starting over. Thread-safe; the success path is two volatile reads.
/// </summary>
internal sealed class CircuitBreaker
{
    private readonly object _lock = new();
    private readonly int _threshold;
    private readonly TimeSpan _baseBreak;
    private readonly TimeSpan _maxBreak;
    private readonly TimeProvider _time;
    private volatile CircuitState _state;
    private volatile int _consecutiveFailures;
    private int _opens;
    private long _openUntil;
    private long _closedAt;

    public CircuitBreaker(int threshold, TimeSpan baseBreak, TimeSpan maxBreak, TimeProvider time)
    {
        _threshold = Math.Max(1, threshold);
        _baseBreak = baseBreak;
        _maxBreak = maxBreak < baseBreak ? baseBreak : maxBreak;
        _time = time;
    }

    public CircuitState State => _state;

    public int ConsecutiveFailures => _consecutiveFailures;

    /// <summary>Whether ordinary requests may go to the server.</summary>
    public bool AllowsRequests => _state == CircuitState.Closed;

    /// <summary>When the current break ends (meaningful while open).</summary>
    public DateTimeOffset OpenUntil => new(Interlocked.Read(ref _openUntil), TimeSpan.Zero);

    /// <summary>Moves an open breaker whose break has ended to half-open; true if this caller should probe.</summary>
    public bool TryBeginProbe()
    {
        if (_state != CircuitState.Open)
        {
            return false;
        }

        lock (_lock)
        {
            if (_state != CircuitState.Open || _time.GetUtcNow().UtcTicks < _openUntil)
            {
                return false;
            }

            _state = CircuitState.HalfOpen;
            return true;
        }
    }

    /// <summary>The server answered. Returns true when this closed an open or half-open breaker.</summary>
    public bool OnSuccess()
    {
        if (_state == CircuitState.Closed && _consecutiveFailures == 0)
        {
            return false;
        }

        lock (_lock)
        {
            _consecutiveFailures = 0;
            if (_state == CircuitState.Closed)
            {
                return false;
            }

            _state = CircuitState.Closed;
            _closedAt = _time.GetUtcNow().UtcTicks;
            return true;
        }
    }

    /// <summary>A failure. Returns true when this opened the breaker.</summary>
    public bool OnFailure()
    {
        lock (_lock)
        {
            _consecutiveFailures++;
            var now = _time.GetUtcNow().UtcTicks;
            switch (_state)
            {
                case CircuitState.Open:
                    return false;
                case CircuitState.Closed when _consecutiveFailures < _threshold:
                    return false;
                case CircuitState.Closed:
                    // Closed for a good while: this is a new outage, not flapping.
                    if (now - _closedAt > _maxBreak.Ticks * 2)
                    {
                        _opens = 0;
                    }

                    break;
            }

            var breakTicks = Math.Min(_maxBreak.Ticks, _baseBreak.Ticks << Math.Min(_opens, 20));
            _opens++;
            // Jitter in [break/2, break]: servers that failed together are not all probed together.
            var jittered = breakTicks / 2 + (long)(Random.Shared.NextDouble() * (breakTicks / 2));
            _openUntil = now + jittered;
            _state = CircuitState.Open;
            return true;
        }
    }
}
