// Every WebsocketProvider adds a process 'exit' listener; tests create hundreds of them.
process.setMaxListeners(0);
