// Parses Adaptive Cards with Microsoft's JS library (npm adaptivecards 3.0.6), as a Teams client would.
// stdin: a JSON array of cards; stdout: a JSON array with, per card, the parse and validation events.
"use strict";
const path = require("path");
const ac = require(path.join(process.argv[2], "node_modules", "adaptivecards", "dist", "adaptivecards.js"));

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  const results = JSON.parse(input).map((json) => {
    const card = new ac.AdaptiveCard();
    const context = new ac.SerializationContext();
    card.parse(json, context);
    const events = [];
    for (let i = 0; i < context.eventCount; i++) {
      const e = context.getEventAt(i);
      events.push({ event: ac.ValidationEvent[e.event], message: e.message });
    }
    for (const e of card.validateProperties().validationEvents) {
      events.push({ event: ac.ValidationEvent[e.event], message: e.message });
    }
    return { version: card.version ? card.version.toString() : null, events };
  });
  process.stdout.write(JSON.stringify(results));
});
