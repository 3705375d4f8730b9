"""Agent data: messages, tool specs, tool calls, conversations and traces."""
