package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are the server's Prometheus metrics, in a registry of its own so
// that several servers (as in tests) do not collide.
type metrics struct {
	registry      *prometheus.Registry
	requests      *prometheus.CounterVec
	duration      *prometheus.HistogramVec
	registrations prometheus.Counter
	evaluation    prometheus.Histogram
}

func newMetrics() *metrics {
	m := &metrics{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "beredskap_http_requests_total",
			Help: "HTTP requests served, by route pattern and status.",
		}, []string{"route", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "beredskap_http_request_duration_seconds",
			Help:    "Time to serve an HTTP request, by route pattern and status.",
			Buckets: prometheus.DefBuckets,
		}, []string{"route", "status"}),
		registrations: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "beredskap_registrations_created_total",
			Help: "Registrations stored (retries with an idempotency key not counted).",
		}),
		evaluation: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "beredskap_evaluation_duration_seconds",
			Help:    "Time to validate and evaluate one registration, without storing it.",
			Buckets: prometheus.ExponentialBuckets(0.00001, 4, 10),
		}),
	}
	m.registry.MustRegister(m.requests, m.duration, m.registrations, m.evaluation,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

func (m *metrics) observeRequest(route string, status int, elapsed time.Duration) {
	code := strconv.Itoa(status)
	m.requests.WithLabelValues(route, code).Inc()
	m.duration.WithLabelValues(route, code).Observe(elapsed.Seconds())
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{})
}
