# Strange: make targets for the `streaming` service, delegating to arc (included by the root
# Makefile). ARC and RUNTIME come from there.
.PHONY: strange-up strange-down strange-health strange-logs strange-build

strange-up: $(ARC)
	$(ARC) --runtime $(RUNTIME) up strange

strange-down: $(ARC)
	$(ARC) --runtime $(RUNTIME) down strange

strange-health: $(ARC)
	$(ARC) --runtime $(RUNTIME) health strange

strange-logs: $(ARC)
	$(ARC) --runtime $(RUNTIME) logs strange --tail 100

# The thin image, from the compose file arc generates (`arc compose export --write`).
strange-build:
	docker-compose -f services/streaming/docker-compose.yml build
