# Sonic: make targets for the `cache` service, delegating to arc (included by the root
# Makefile). ARC and RUNTIME come from there.
.PHONY: sonic-up sonic-down sonic-health sonic-logs sonic-build

sonic-up: $(ARC)
	$(ARC) --runtime $(RUNTIME) up sonic

sonic-down: $(ARC)
	$(ARC) --runtime $(RUNTIME) down sonic

sonic-health: $(ARC)
	$(ARC) --runtime $(RUNTIME) health sonic

sonic-logs: $(ARC)
	$(ARC) --runtime $(RUNTIME) logs sonic --tail 100

# The thin image, from the compose file arc generates (`arc compose export --write`).
sonic-build:
	docker-compose -f services/cache/docker-compose.yml build
