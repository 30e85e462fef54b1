// Workload "hello": the smallest JSON answer, the same module for every system the peers bench runs.
export default {
  async fetch() {
    return Response.json({ hello: "world" });
  },
};
