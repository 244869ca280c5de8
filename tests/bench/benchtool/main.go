// Command benchtool is the small native side of `./tollgate bench`:
//
//	benchtool upstream [-port 0] [-chunks 20]
//	    A fixed-reply OpenAI Chat Completions upstream on loopback (POST .../chat/completions), whole or streamed
//	    (stream: true) as N content chunks, a finish chunk, the usage chunk when stream_options.include_usage is
//	    set, and [DONE]. Prints "listening <port>" once it accepts connections. Every system under test calls it.
//
//	benchtool coldstart [-health URL] [-chat URL -body FILE -header 'K: V'...] [-ready PREFIX] -- CMD ARGS...
//	    Starts CMD and prints, as JSON, the milliseconds from just before the process was started to the first
//	    200 from the health URL, to the first 200 from the chat URL (POST of FILE), or to the first stdout line
//	    starting with PREFIX; then stops the process.
//
// It is written in Go so that the floor (the upstream alone) costs as little as possible and measures the same
// in every run, and so the cold-start clock sits outside the JVM being measured.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: benchtool upstream|coldstart [flags]")
		os.Exit(2)
	}
	switch os.Args[1] {
	case "upstream":
		upstream(os.Args[2:])
	case "coldstart":
		coldstart(os.Args[2:])
	default:
		fmt.Fprintln(os.Stderr, "unknown command:", os.Args[1])
		os.Exit(2)
	}
}

// --- upstream ---------------------------------------------------------------------------------------------------

type chatRequest struct {
	Model         string `json:"model"`
	Stream        bool   `json:"stream"`
	StreamOptions *struct {
		IncludeUsage bool `json:"include_usage"`
	} `json:"stream_options"`
}

const created = 1735689600

func upstream(args []string) {
	fs := flag.NewFlagSet("upstream", flag.ExitOnError)
	port := fs.Int("port", 0, "port on 127.0.0.1 (0: any free port)")
	chunks := fs.Int("chunks", 20, "content chunks in a streamed answer (and words in a whole one)")
	fs.Parse(args)

	words := strings.TrimSpace(strings.Repeat("tok ", *chunks))
	listener, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(*port))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	handler := func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || !strings.HasSuffix(r.URL.Path, "/chat/completions") {
			if r.URL.Path == "/health" {
				w.WriteHeader(200)
				return
			}
			http.Error(w, `{"error":{"message":"not found","type":"invalid_request_error"}}`, 404)
			return
		}
		body, err := io.ReadAll(r.Body)
		var req chatRequest
		if err == nil {
			err = json.Unmarshal(body, &req)
		}
		if err != nil {
			http.Error(w, `{"error":{"message":"bad json","type":"invalid_request_error"}}`, 400)
			return
		}
		if req.Stream {
			stream(w, req, *chunks)
			return
		}
		reply := fmt.Sprintf(`{"id":"chatcmpl-bench","object":"chat.completion","created":%d,"model":%q,`+
			`"choices":[{"index":0,"message":{"role":"assistant","content":%q,"refusal":null},"logprobs":null,`+
			`"finish_reason":"stop"}],"usage":{"prompt_tokens":24,"completion_tokens":%d,"total_tokens":%d},`+
			`"system_fingerprint":"fp_bench"}`, created, req.Model, words, *chunks, 24+*chunks)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(len(reply)))
		io.WriteString(w, reply)
	}
	fmt.Printf("listening %d\n", listener.Addr().(*net.TCPAddr).Port)
	os.Stdout.Sync()
	server := &http.Server{Handler: http.HandlerFunc(handler), ReadHeaderTimeout: 10 * time.Second}
	if err := server.Serve(listener); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// stream writes the answer as OpenAI's SSE framing: one "data: <json>\n\n" event per chunk, flushed one by one.
func stream(w http.ResponseWriter, req chatRequest, chunks int) {
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	flusher, _ := w.(http.Flusher)
	event := func(delta string, finish string, extra string) {
		fin := "null"
		if finish != "" {
			fin = strconv.Quote(finish)
		}
		fmt.Fprintf(w, `data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":%d,"model":%q,`+
			`"system_fingerprint":"fp_bench","choices":[{"index":0,"delta":%s,"logprobs":null,"finish_reason":%s}]%s}`+
			"\n\n", created, req.Model, delta, fin, extra)
		if flusher != nil {
			flusher.Flush()
		}
	}
	usage := req.StreamOptions != nil && req.StreamOptions.IncludeUsage
	nullUsage := ""
	if usage {
		nullUsage = `,"usage":null`
	}
	event(`{"role":"assistant","content":"","refusal":null}`, "", nullUsage)
	for i := 0; i < chunks; i++ {
		word := "tok "
		if i == chunks-1 {
			word = "tok"
		}
		event(`{"content":"`+word+`"}`, "", nullUsage)
	}
	event(`{}`, "stop", nullUsage)
	if usage {
		fmt.Fprintf(w, `data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":%d,"model":%q,`+
			`"system_fingerprint":"fp_bench","choices":[],"usage":{"prompt_tokens":24,"completion_tokens":%d,`+
			`"total_tokens":%d}}`+"\n\n", created, req.Model, chunks, 24+chunks)
	}
	io.WriteString(w, "data: [DONE]\n\n")
}

// --- coldstart --------------------------------------------------------------------------------------------------

type headerList []string

func (h *headerList) String() string     { return strings.Join(*h, ", ") }
func (h *headerList) Set(v string) error { *h = append(*h, v); return nil }

func coldstart(args []string) {
	fs := flag.NewFlagSet("coldstart", flag.ExitOnError)
	health := fs.String("health", "", "GET this URL until it answers 200")
	chat := fs.String("chat", "", "then POST -body to this URL until it answers 200")
	bodyFile := fs.String("body", "", "request body for -chat")
	ready := fs.String("ready", "", "instead: wait for a stdout line starting with this")
	timeout := fs.Duration("timeout", 60*time.Second, "give up after this long")
	var headers headerList
	fs.Var(&headers, "header", "a request header 'Name: value' for -chat (repeatable)")
	fs.Parse(args)
	command := fs.Args()
	if len(command) == 0 {
		fmt.Fprintln(os.Stderr, "coldstart: no command after --")
		os.Exit(2)
	}
	var body []byte
	if *bodyFile != "" {
		var err error
		if body, err = os.ReadFile(*bodyFile); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
	}

	cmd := exec.Command(command[0], command[1:]...)
	child = cmd
	cmd.Stderr = os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	lines := make(chan string, 64)
	start := time.Now()
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	go func() {
		scanner := bufio.NewScanner(stdout)
		scanner.Buffer(make([]byte, 1<<20), 1<<20)
		for scanner.Scan() {
			lines <- scanner.Text()
		}
		close(lines)
	}()
	defer func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-done
		}
	}()
	deadline := start.Add(*timeout)
	result := map[string]float64{}
	ms := func() float64 { return float64(time.Since(start).Microseconds()) / 1000 }

	if *ready != "" {
		for {
			select {
			case line, ok := <-lines:
				if !ok {
					fail("the process ended before printing " + *ready)
				}
				if strings.HasPrefix(line, *ready) {
					result["ready_ms"] = ms()
					result["ready_cpu_ms"] = cpuMs(cmd.Process.Pid)
					emit(result, line)
					return
				}
			case <-time.After(time.Until(deadline)):
				fail("timed out waiting for " + *ready)
			}
		}
	}
	go func() {
		for range lines {
		}
	}()
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	if *health != "" {
		result["health_ms"] = poll(client, deadline, func() (*http.Response, error) { return client.Get(*health) }, ms)
		result["health_cpu_ms"] = cpuMs(cmd.Process.Pid)
	}
	if *chat != "" {
		result["chat_ms"] = poll(client, deadline, func() (*http.Response, error) {
			request, _ := http.NewRequest(http.MethodPost, *chat, bytes.NewReader(body))
			request.Header.Set("Content-Type", "application/json")
			for _, h := range headers {
				name, value, _ := strings.Cut(h, ":")
				request.Header.Set(strings.TrimSpace(name), strings.TrimSpace(value))
			}
			return client.Do(request)
		}, ms)
		result["chat_cpu_ms"] = cpuMs(cmd.Process.Pid)
	}
	emit(result, "")
}

// poll repeats a request every 2 ms until it answers 200; returns the milliseconds since start at that answer.
func poll(client *http.Client, deadline time.Time, send func() (*http.Response, error), ms func() float64) float64 {
	for time.Now().Before(deadline) {
		response, err := send()
		if err == nil {
			io.Copy(io.Discard, response.Body)
			response.Body.Close()
			if response.StatusCode == 200 {
				return ms()
			}
		}
		time.Sleep(2 * time.Millisecond)
	}
	fail("timed out")
	return 0
}

func emit(result map[string]float64, line string) {
	out := map[string]any{}
	for k, v := range result {
		out[k] = v
	}
	if line != "" {
		out["line"] = line
	}
	encoded, _ := json.Marshal(out)
	fmt.Println(string(encoded))
}

// cpuMs is the CPU time (user + system, all threads) the process has used so far, from /proc (clock ticks of
// 10 ms): on a shared machine it tells how much work a start took, where wall time also counts waiting for a core.
func cpuMs(pid int) float64 {
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return -1
	}
	text := string(stat)
	fields := strings.Fields(text[strings.LastIndex(text, ")")+2:])
	utime, _ := strconv.ParseFloat(fields[11], 64)
	stime, _ := strconv.ParseFloat(fields[12], 64)
	return (utime + stime) * 10
}

// child is the process under measurement, stopped on failure too.
var child *exec.Cmd

func fail(message string) {
	fmt.Fprintln(os.Stderr, "coldstart:", message)
	if child != nil && child.Process != nil {
		syscall.Kill(-child.Process.Pid, syscall.SIGKILL)
	}
	os.Exit(1)
}
