import { Hono } from "hono";
import { serve } from "@hono/node-server";
const app = new Hono().basePath(process.env.BASE_PATH || "/");
app.get("/", (c) => c.text("hello"));
serve({ fetch: app.fetch, port: Number(process.env.PORT || 3000) });
